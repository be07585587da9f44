import { test, expect } from "../../fixtures";
import { LoginPage, RegisterPage, TermsPage } from "../../pages/accounts";
import { AppealPage, AppealStatusPage, jpegPhoto } from "../../pages/appeals";
import { CertificatesPage } from "../../pages/certificates";
import { approveAppeal, rejectAppeal } from "../../support/appeals";
import { PASSWORD, uniqueResidentId } from "../../support/ids";
import { seedCertificate } from "../../support/seed";

/** Someone registers `idNumber` under another name and stays signed in in this browser. */
async function squatted(page: import("@playwright/test").Page, jsEnabled: boolean, idNumber: string) {
  const register = new RegisterPage(page, jsEnabled);
  await register.open();
  await register.fill({ idNumber, name: "冒用者", password: PASSWORD });
  await register.submit();
  await register.confirmWithCode();
  const terms = new TermsPage(page, jsEnabled);
  await terms.expectShown();
  await terms.agree();
  await expect(page).toHaveURL(/\/certificates$/);
}

test("appeal and its approval by the operator command: the appellant registers and sees the certificate", async ({
  page,
  jsEnabled,
}) => {
  const idNumber = uniqueResidentId();
  const number = `AP${Date.now()}${Math.floor(Math.random() * 1000)}`.slice(0, 20);
  await seedCertificate(page.request, { number, idNumber, name: "林晓", issuedOn: "2024-05-20" });
  await squatted(page, jsEnabled, idNumber);

  // Registering again ends on the taken page, which leads to the appeal.
  const again = new RegisterPage(page, jsEnabled);
  await again.open();
  await again.fill({ idNumber, name: "林晓", password: PASSWORD });
  await again.submit();
  await again.confirmWithCode();
  await expect(page.getByTestId("register-taken")).toBeVisible();
  await page.getByRole("main").getByRole("link", { name: "账号申诉" }).click();

  const appeal = new AppealPage(page, jsEnabled);
  await expect(appeal.heading("账号申诉")).toBeVisible();
  await appeal.waitForHydration();
  await appeal.expectNoHorizontalScroll();
  await expect(appeal.rareCharButton).toBeVisible();
  await appeal.fill({
    idNumber,
    name: "林晓",
    statement: "我从未注册过本系统账号，今天注册时发现证件号码已被他人注册。",
  });
  await appeal.attach(jpegPhoto());
  await appeal.submit();
  await appeal.confirmWithCode();
  await expect(page).toHaveURL(/\/appeal\/status\?filed=/);
  const appealNumber = await appeal.filedNumber();

  const status = new AppealStatusPage(page, jsEnabled);
  await status.lookUp(appealNumber, idNumber);
  await status.expectState("pending");
  await expect(status.state).toContainText("待处理");

  // The operator approves: the other account is locked and signed out everywhere.
  expect(approveAppeal(appealNumber)).toContain("locked");
  await status.goto("/account");
  await expect(page).toHaveURL(/\/login/);
  const login = new LoginPage(page, jsEnabled);
  await login.waitForHydration();
  await login.logIn(idNumber, PASSWORD);
  await expect(login.formError).toContainText("该账号已因账号申诉被冻结，如有疑问请联系客服");

  await status.open();
  await status.lookUp(appealNumber, idNumber);
  await status.expectState("approved");
  await expect(status.state).toContainText("已通过");
  await page.getByTestId("appeal-register").click();

  const register = new RegisterPage(page, jsEnabled);
  await expect(register.heading("用户注册")).toBeVisible();
  await register.waitForHydration();
  await register.fill({ idNumber, name: "林晓", password: PASSWORD });
  await register.submit();
  await register.confirmWithCode();
  const terms = new TermsPage(page, jsEnabled);
  await terms.expectShown();
  await terms.agree();
  const certificates = new CertificatesPage(page, jsEnabled);
  await expect(page).toHaveURL(/\/certificates$/);
  await expect(certificates.row(number)).toBeVisible();
});

test("a rejected appeal shows the operator's reason, and bad photos are refused in words", async ({
  page,
  jsEnabled,
}) => {
  const idNumber = uniqueResidentId();
  await squatted(page, jsEnabled, idNumber);

  const appeal = new AppealPage(page, jsEnabled);
  await appeal.open();
  await appeal.fill({ idNumber, name: "高远", statement: "账号不是我注册的。" });
  // A GIF is not accepted, whatever its name says; what was typed stays.
  await appeal.attach({ name: "id.jpg", mimeType: "image/jpeg", buffer: Buffer.from("GIF89a....") });
  await appeal.submit();
  await expect(appeal.fieldError("photo")).toHaveText("证件照片只能是 JPEG、PNG 或 PDF 文件");
  await expect(appeal.statement).toHaveValue("账号不是我注册的。");
  await appeal.expectNoHorizontalScroll();

  await appeal.fill({ idNumber, name: "高远", statement: "账号不是我注册的。" });
  await appeal.attach(jpegPhoto());
  await appeal.submit();
  await appeal.confirmWithCode();
  const appealNumber = await appeal.filedNumber();

  rejectAppeal(appealNumber, "证件照片不清晰，请重新提交");
  const status = new AppealStatusPage(page, jsEnabled);
  await status.open();
  await status.lookUp(appealNumber, idNumber);
  await status.expectState("rejected");
  await expect(status.reason).toHaveText("证件照片不清晰，请重新提交");

  // Another ID number with the same appeal number: as if there were none.
  await status.open();
  await status.lookUp(appealNumber, uniqueResidentId());
  await expect(status.formError).toContainText("未找到该申诉，请核对申诉编号和证件号码");
  await expect(status.state).toHaveCount(0);
});

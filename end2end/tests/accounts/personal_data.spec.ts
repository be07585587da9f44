import { test, expect } from "../../fixtures";
import { LoginPage, RegisterPage, TermsPage } from "../../pages/accounts";
import { DeleteAccountPage, PersonalDataSection } from "../../pages/personal_data";
import { PASSWORD, uniqueResidentId } from "../../support/ids";
import { advanceClock, seedCertificate } from "../../support/seed";

// Issue 12 (PIPL 查阅复制 / 个人信息删除): export and delete.
test("a holder downloads a copy of their data, then deletes the account", async ({
  page,
  jsEnabled,
}) => {
  const idNumber = uniqueResidentId();
  const name = "严𪚥";
  const number = `E2E${Date.now()}${Math.floor(Math.random() * 1000)}`.slice(0, 20);
  await seedCertificate(page.request, { number, idNumber, name, issuedOn: "2024-05-20" });
  const register = new RegisterPage(page, jsEnabled);
  await register.open();
  await register.fill({ idNumber, name, password: PASSWORD });
  await register.submit();
  await register.confirmWithCode();
  const terms = new TermsPage(page, jsEnabled);
  await terms.expectShown();
  await terms.agree();
  await page.waitForURL(/\/certificates$/);
  const mobile = register.mobileNumber;

  // 查阅复制: one JSON file with the account, the certificate and the session.
  const personal = new PersonalDataSection(page, jsEnabled);
  await personal.openAccount();
  await personal.expectNoHorizontalScroll();
  const exported = await personal.downloadExport();
  expect(exported.fileName).toMatch(/^personal-data-\d{4}-\d{2}-\d{2}\.json$/);
  expect(exported.data.format).toBe("certportal.personal-data/1");
  expect(exported.data.account).toMatchObject({ name, id_number: idNumber, mobile });
  expect(exported.data.certificates.map((c: { number: string }) => c.number)).toEqual([number]);
  expect(exported.data.sessions.length).toBeGreaterThanOrEqual(1);
  expect(JSON.stringify(exported.data)).not.toContain("argon2");

  // 注销账号: a minute after the last code to the number.
  await advanceClock(page.request, 61_000);
  const deletion = new DeleteAccountPage(page, jsEnabled);
  await deletion.openFromAccount();
  await deletion.expectExplained();
  await deletion.expectNoHorizontalScroll();
  await deletion.requestCode("Wrong-passw0rd");
  await expect(deletion.passwordError).toContainText("当前密码不正确");
  await deletion.requestCode(PASSWORD);
  await deletion.confirmWithCodeTo(mobile);
  await expect(page).toHaveURL(/\/\?deleted=1$/);
  await expect(deletion.deletedNotice).toContainText("您的账号已注销");

  // The account is gone: the password no longer logs in.
  const login = new LoginPage(page, jsEnabled);
  await login.open();
  await login.waitForHydration();
  await login.logIn(idNumber, PASSWORD);
  await expect(login.formError).toContainText("证件号码或密码错误");
});

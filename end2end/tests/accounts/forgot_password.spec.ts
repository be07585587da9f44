import { test, expect } from "../../fixtures";
import {
  CodePage,
  ForgotPasswordPage,
  LoginPage,
  RegisterPage,
  TermsPage,
  logOut,
} from "../../pages/accounts";
import { PASSWORD, uniqueResidentId } from "../../support/ids";
import { codeSentTo } from "../../support/outbox";
import { advanceClock } from "../../support/seed";

test("a holder who forgot the password resets it with a code to the registered mobile", async ({
  page,
  jsEnabled,
}) => {
  const register = new RegisterPage(page, jsEnabled);
  const idNumber = uniqueResidentId();
  await register.open();
  await register.fill({ idNumber, name: "刘洋", password: PASSWORD });
  await register.submit();
  await register.confirmWithCode();
  const terms = new TermsPage(page, jsEnabled);
  await terms.expectShown();
  await terms.agree();
  await expect(page).toHaveURL(/\/certificates$/);
  await logOut(page);

  const login = new LoginPage(page, jsEnabled);
  await login.open();
  await login.forgotPassword.click();
  const forgot = new ForgotPasswordPage(page, jsEnabled);
  // The registration's code went out less than a minute ago; another goes out after 60 s.
  await advanceClock(page.request, 61_000);
  await forgot.request(idNumber, register.mobileNumber);
  await forgot.reset(register.mobileNumber, "Renewed-pass9");

  await expect(page).toHaveURL(/\/login\?reset=done$/);
  await expect(page.getByTestId("password-reset-done")).toContainText("密码已重设");
  await login.logIn(idNumber, PASSWORD);
  await expect(login.formError).toContainText("证件号码或密码错误");
  await login.open();
  await login.logIn(idNumber, "Renewed-pass9");
  await expect(page).toHaveURL(/\/certificates$/);
});

test("registering an ID number that is taken creates nothing and shows the ways forward", async ({
  page,
  jsEnabled,
}) => {
  const idNumber = uniqueResidentId();
  const first = new RegisterPage(page, jsEnabled);
  await first.open();
  await first.fill({ idNumber, name: "周敏", password: PASSWORD });
  await first.submit();
  await first.confirmWithCode();
  await new TermsPage(page, jsEnabled).expectShown();
  await logOut(page);

  const second = new RegisterPage(page, jsEnabled);
  await second.open();
  await second.fill({ idNumber, name: "周敏", password: "Other-pass7" });
  await second.submit();
  // The same answer as for a new ID number: a code was sent.
  const confirm = new CodePage(page, jsEnabled);
  await confirm.expectShown("验证手机号");
  await confirm.enterCode("000000" === codeSentTo(second.mobileNumber) ? "000001" : "000000");
  await confirm.submit("确认");
  await expect(page.getByTestId("error-code")).toContainText("验证码错误，还可尝试 4 次");
  await confirm.enterCode(codeSentTo(second.mobileNumber));
  await confirm.submit("确认");
  await expect(page).toHaveURL(/\/register\/taken$/);
  await expect(page.getByTestId("register-taken")).toContainText("未创建新账户");
  await expect(page.getByRole("main").getByRole("link", { name: "忘记密码" })).toBeVisible();
});

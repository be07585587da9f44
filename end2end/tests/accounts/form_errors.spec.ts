import { test, expect } from "../../fixtures";
import { LoginPage, RegisterPage } from "../../pages/accounts";
import { PASSWORD, uniqueResidentId, withWrongCheckChar } from "../../support/ids";

test("each mistake is explained next to its field and what was typed stays", async ({
  page,
  jsEnabled,
}) => {
  const register = new RegisterPage(page, jsEnabled);
  await register.open();
  const badId = withWrongCheckChar(uniqueResidentId());
  await register.fill({ idNumber: badId, name: "李 四 ", mobile: "1234", password: "short1" });
  await register.submit();

  await expect(register.fieldError("id_number")).toHaveText(/校验位不正确/);
  await expect(register.fieldError("name")).toHaveText(/开头或结尾有空格/);
  await expect(register.fieldError("mobile")).toHaveText(/11 位/);
  await expect(register.fieldError("password")).toHaveText(/至少 8 位/);
  await expect(register.idNumber).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByTestId("form-error")).toContainText("4 处");
  await expect(register.idNumber).toHaveValue(badId);
  await expect(register.name).toHaveValue("李 四 ");
  await expect(register.password).toHaveValue(jsEnabled ? "short1" : "");
  await expect(page).toHaveURL(/\/register$/);
});

test("a wrong password gets the same message as an unknown account", async ({
  page,
  jsEnabled,
}) => {
  const login = new LoginPage(page, jsEnabled);
  await login.open();
  await login.logIn(uniqueResidentId(), PASSWORD);
  await expect(login.formError).toContainText("证件号码或密码错误");
});

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
  // The form is posted, with or without JavaScript: a password is never sent back into a page.
  await expect(register.password).toHaveValue("");
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

test("the ID number's format is shown for the chosen document type, and every format is listed", async ({
  page,
  jsEnabled,
}) => {
  const register = new RegisterPage(page, jsEnabled);
  await register.open();
  const hint = page.getByTestId("hint-id_type");
  await expect(hint).toContainText("18 位");
  if (jsEnabled) {
    await page.getByLabel("证件类型").selectOption({ label: "护照" });
    await expect(hint).toContainText("5 至 17 位字母或数字");
  }
  // Without JavaScript the hint cannot follow the choice: the list names every type's format.
  await page.getByText("各类证件的号码格式").click();
  const formats = page.locator(".id-formats");
  await expect(formats).toContainText("港澳居民来往内地通行证：H 或 M 开头");
  await expect(formats).toContainText("外国人永久居留身份证：15 位");
});

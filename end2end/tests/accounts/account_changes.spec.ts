import { test, expect } from "../../fixtures";
import { AccountChangePage, RegisterPage, TermsPage } from "../../pages/accounts";
import { PASSWORD, uniqueMobile, uniqueResidentId } from "../../support/ids";
import { advanceClock } from "../../support/seed";

test("a holder changes the mobile number, then corrects the name to one with a rare character", async ({
  page,
  jsEnabled,
}) => {
  const register = new RegisterPage(page, jsEnabled);
  await register.open();
  await register.fill({ idNumber: uniqueResidentId(), name: "吕五", password: PASSWORD });
  await register.submit();
  await register.confirmWithCode();
  const terms = new TermsPage(page, jsEnabled);
  await terms.expectShown();
  await terms.agree();
  await expect(page).toHaveURL(/\/certificates$/);

  // 更换手机号: the code goes to the new number.
  const change = new AccountChangePage(page, jsEnabled);
  await change.openFromAccount("更换手机号");
  const newMobile = uniqueMobile();
  await change.requestMobileChange(PASSWORD, newMobile);
  await change.confirmWithCodeTo(newMobile);
  await expect(page).toHaveURL(/\/account\?changed=mobile$/);
  await expect(page.getByTestId("account-changed")).toContainText("手机号已更换");
  await expect(page.getByRole("main")).toContainText(
    `${newMobile.slice(0, 3)}****${newMobile.slice(7)}`,
  );

  // 更正姓名: the code goes to the (new) registered number, a minute after the last one.
  await advanceClock(page.request, 61_000);
  await change.openFromAccount("更正姓名");
  if (jsEnabled) {
    await change.nameField.fill("吕");
    await change.nameField.press("End");
    await change.rareCharButton.click();
    const picker = page.getByRole("dialog", { name: "生僻字输入" });
    await picker.getByLabel("拼音").fill("zhe2");
    await picker.getByRole("button", { name: /^𪚥 / }).click();
    await expect(change.nameField).toHaveValue("吕𪚥");
  } else {
    await expect(change.rareCharButton).toHaveAttribute("href", "/rare-chars");
    await change.nameField.fill("吕𪚥");
  }
  await change.requestNameCorrection(PASSWORD);
  await change.confirmWithCodeTo(newMobile);
  await expect(page).toHaveURL(/\/account\?changed=name$/);
  await expect(page.getByTestId("account-changed")).toContainText("姓名已更正");
  await expect(page.getByTestId("account-name")).toHaveText("吕𪚥");
});

import { test, expect } from "../../fixtures";
import { LoginPage, RegisterPage, TermsPage, logOut } from "../../pages/accounts";
import { PASSWORD, uniqueResidentId } from "../../support/ids";

test("a holder whose name needs a rare character registers, accepts the terms, logs out and in", async ({
  page,
  jsEnabled,
}) => {
  const register = new RegisterPage(page, jsEnabled);
  const idNumber = uniqueResidentId();
  await register.open();
  await register.fill({ idNumber, name: "张", password: PASSWORD });

  if (jsEnabled) {
    // The picker inserts 𪚥 (U+2A6A5, Extension B) at the cursor, after 张.
    await register.name.click();
    await register.name.press("End");
    await register.pickRareCharacter("zhe2", "𪚥");
    await expect(register.name).toHaveValue("张𪚥");
  } else {
    // Without JavaScript the button opens the picker page in a new tab, where the holder
    // copies the character; here it is pasted.
    await expect(register.rareCharButton).toHaveAttribute("href", "/rare-chars");
    await register.name.fill("张𪚥");
  }
  await register.submit();
  await register.confirmWithCode();

  const terms = new TermsPage(page, jsEnabled);
  await terms.expectShown();
  await expect(terms.nav).toContainText("张𪚥");
  await terms.agree();
  await expect(page).toHaveURL(/\/certificates$/);

  await register.goto("/account");
  await expect(page.getByTestId("account-name")).toHaveText("张𪚥");
  await expect(page.getByTestId("account-id")).toHaveText(
    idNumber.slice(0, 4) + "*".repeat(10) + idNumber.slice(14),
  );

  await logOut(page);
  const login = new LoginPage(page, jsEnabled);
  await login.open("/account");
  await login.logIn(idNumber, PASSWORD);
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByTestId("account-name")).toHaveText("张𪚥");
});

test("the terms must be accepted before anything else", async ({ page, jsEnabled }) => {
  const register = new RegisterPage(page, jsEnabled);
  await register.open();
  await register.fill({ idNumber: uniqueResidentId(), name: "王芳", password: PASSWORD });
  await register.submit();
  await register.confirmWithCode();
  const terms = new TermsPage(page, jsEnabled);
  await terms.expectShown();
  await terms.goto("/account");
  await terms.expectShown();
  await expect(page).toHaveURL(/next=%2Faccount/);
  await terms.agree();
  await expect(page).toHaveURL(/\/account$/);
});

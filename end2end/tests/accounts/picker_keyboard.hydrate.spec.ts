import { test, expect } from "../../fixtures";
import { RegisterPage } from "../../pages/accounts";

test("the picker works from the keyboard alone", async ({ page, jsEnabled }) => {
  const register = new RegisterPage(page, jsEnabled);
  await register.open();
  await register.name.fill("王明");
  // Cursor between 王 and 明.
  await register.name.press("End");
  await register.name.press("ArrowLeft");
  await register.rareCharButton.focus();
  await page.keyboard.press("Enter");
  await expect(register.picker).toBeVisible();
  await page.keyboard.type("yan3");
  const first = register.picker.getByRole("button").filter({ hasText: "yǎn" }).first();
  await expect(first).toBeVisible();
  await first.focus();
  await page.keyboard.press("ArrowRight");
  const chosen = await page.evaluate(() => (document.activeElement as HTMLElement).dataset.char);
  expect(chosen).toBeTruthy();
  await page.keyboard.press("Enter");
  await expect(register.picker).toBeHidden();
  await expect(register.name).toHaveValue(`王${chosen}明`);

  // Escape closes it without changing the name.
  await register.rareCharButton.focus();
  await page.keyboard.press("Enter");
  await expect(register.picker).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(register.picker).toBeHidden();
  await expect(register.name).toHaveValue(`王${chosen}明`);
});

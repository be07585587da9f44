import { test, expect } from "../../fixtures";
import { Shell } from "../../pages/shell";

test("without JavaScript the picker page finds a character by pinyin to copy", async ({
  page,
  jsEnabled,
}) => {
  const shell = new Shell(page, jsEnabled);
  await shell.goto("/rare-chars");
  await page.getByLabel("拼音").fill("zhe2");
  await page.getByRole("button", { name: "查询" }).click();
  await expect(page).toHaveURL(/q=zhe2/);
  const copy = page.getByRole("textbox", { name: "𪚥 U+2A6A5" });
  await expect(copy).toHaveValue("𪚥");
  // Its glyph is drawn by the server, so it is legible without a font for it.
  const glyph = page.locator('img[src="/glyph/2A6A5.svg"]');
  await expect(glyph).toBeVisible();
  await expect
    .poll(() => glyph.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0)))
    .toBeGreaterThan(0);
});

import { test, expect } from "../../fixtures";
import { RareCharsPage, RegisterPage } from "../../pages/accounts";

// Issue 15: zhe2 alone lists 128 characters with 𪚥 about #92 (~12,600 px of scrolling on the
// no-JavaScript phone page). Narrowed by its radical 龍 it is the first.

test("zhe2 with the radical 龍 finds 𪚥 first, and picking it fills the name", async ({
  page,
  jsEnabled,
}) => {
  const register = new RegisterPage(page, jsEnabled);
  await register.open();
  await register.name.fill("张");

  if (jsEnabled) {
    await register.name.click();
    await register.name.press("End");
    await register.rareCharButton.click();
    await expect(register.picker).toBeVisible();
    await register.picker.getByLabel("拼音").fill("zhe2");
    await expect(register.pickerCandidates.first()).toBeVisible();
    expect(await register.pickerCandidates.count()).toBeGreaterThan(100);
    await register.picker.getByLabel("部首").fill("龍");
    const first = register.pickerCandidates.first();
    await expect(first).toHaveAccessibleName("𪚥 zhé U+2A6A5 扩展B 64画");
    await expect(register.pickerCandidates).toHaveCount(1);
    await expect(first).toBeInViewport();
    await first.click();
    await expect(register.picker).toBeHidden();
    await expect(register.name).toHaveValue("张𪚥");
  } else {
    // Without JavaScript the [生僻字输入] link opens the picker page in a new tab; the holder
    // copies the character there and pastes it into the name.
    await expect(register.rareCharButton).toHaveAttribute("href", "/rare-chars");
    await expect(register.rareCharButton).toHaveAttribute("target", "_blank");
    const tab = await page.context().newPage();
    const picker = new RareCharsPage(tab, jsEnabled);
    await picker.open();
    await picker.search("zhe2", { radical: "龍" });
    await expect(tab).toHaveURL(/q=zhe2&radical=%E9%BE%8D/);
    await expect(picker.characters).toHaveCount(1);
    await expect(picker.characters.first()).toHaveValue("𪚥");
    await expect(picker.characters.first()).toBeInViewport();
    await expect(picker.main).toContainText("64画");
    // What was typed stays in the form.
    await expect(picker.form.getByLabel("部首")).toHaveValue("龍");
    const copied = await picker.characters.first().inputValue();
    await tab.close();
    await register.name.fill("张" + copied);
    await expect(register.name).toHaveValue("张𪚥");
  }
});

test("the picker page narrows by strokes and to the extension blocks", async ({ page, jsEnabled }) => {
  const picker = new RareCharsPage(page, jsEnabled);
  await picker.open();
  await picker.search("zhe2", { strokes: "60-64", rareOnly: true });
  await expect(picker.characters.first()).toHaveValue("𪚥");
  await expect(picker.form.getByLabel("只看扩展区生僻字")).toBeChecked();
  await expect(picker.form.getByLabel("笔画数")).toHaveValue("60-64");

  // The radical alone, for a character whose reading the holder does not know.
  await picker.search("", { radical: "龍", strokes: "64" });
  await expect(picker.characters).toHaveCount(1);
  await expect(picker.characters.first()).toHaveValue("𪚥");
});

test("bad picker filters get a clear message and keep what was typed", async ({ page, jsEnabled }) => {
  const picker = new RareCharsPage(page, jsEnabled);
  await picker.open();
  await picker.search("zhe2", { strokes: "70", radical: "折" });
  await expect(picker.error).toContainText("笔画数请填写 1 到 64 之间的数字");
  await expect(picker.error).toContainText("“折”不是部首");
  await expect(picker.form.getByLabel("笔画数")).toHaveValue("70");
  await expect(picker.characters).toHaveCount(0);

  if (jsEnabled) {
    // In the dialog, as the holder types.
    const register = new RegisterPage(page, jsEnabled);
    await register.open();
    await register.rareCharButton.click();
    await register.picker.getByLabel("拼音").fill("zhe2");
    await register.picker.getByLabel("笔画数").fill("0");
    await expect(register.picker).toContainText("笔画数请填写 1 到 64 之间的数字");
    await register.picker.getByLabel("笔画数").fill("");
    await register.picker.getByLabel("部首").fill("龍");
    await expect(register.pickerCandidates).toHaveCount(1);
  }
});

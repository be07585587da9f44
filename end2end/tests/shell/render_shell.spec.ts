import { test, expect } from "../../fixtures";
import { Shell } from "../../pages/shell";

test("the home page shows the system in Chinese with header, navigation and help line", async ({
  page,
  jsEnabled,
}) => {
  const shell = new Shell(page, jsEnabled);
  const response = await shell.goto("/");
  expect(response?.status()).toBe(200);
  await shell.expectLanguage("zh-CN");
  await expect(shell.header).toContainText("证书查询验证");
  await expect(shell.heading("证书查询、下载与验证")).toBeVisible();
  await expect(shell.nav.getByRole("link", { name: "查询验证" })).toBeVisible();
  await expect(shell.footer).toContainText("010-87901800");
  await shell.expectNoHorizontalScroll();
});

test("the language switch changes the page to English and is remembered", async ({
  page,
  jsEnabled,
}) => {
  const shell = new Shell(page, jsEnabled);
  await shell.goto("/");
  await shell.switchLanguage();
  await shell.expectLanguage("en");
  await expect(shell.heading("Find, download and verify certificates")).toBeVisible();
  await expect(page).toHaveURL(/\/$/);

  // A later visit, in a new tab of the same browser, is still in English.
  const later = new Shell(await page.context().newPage(), jsEnabled);
  await later.goto("/no-such-page");
  await later.expectLanguage("en");
  await expect(later.heading("Page not found")).toBeVisible();

  // And back to Chinese.
  await later.switchLanguage();
  await later.expectLanguage("zh-CN");
  await expect(later.heading("页面不存在")).toBeVisible();
});

test("an unknown address gets the 404 page inside the shell", async ({ page, jsEnabled }) => {
  const shell = new Shell(page, jsEnabled);
  const response = await shell.goto("/certificates-typo");
  expect(response?.status()).toBe(404);
  await expect(shell.heading("页面不存在")).toBeVisible();
  await expect(shell.header).toBeVisible();
  await shell.main.getByRole("link", { name: "返回首页" }).click();
  await expect(shell.heading("证书查询、下载与验证")).toBeVisible();
});

test("keyboard users can skip to the content and see where focus is", async ({
  page,
  jsEnabled,
}) => {
  const shell = new Shell(page, jsEnabled);
  await shell.goto("/");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "跳到正文" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  const outline = await skip.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe("none");
});

test("the footer keeps the help line on one line and links the about page, which names the licence", async ({
  page,
  jsEnabled,
}) => {
  const shell = new Shell(page, jsEnabled);
  await shell.goto("/");
  // The number does not break at its hyphen on a phone, and the footer carries no licence text.
  const phone = shell.footer.getByRole("link", { name: "010-87901800" });
  await expect(phone).toHaveCSS("white-space", "nowrap");
  await expect(shell.footer).toContainText("咨询电话：");
  await expect(shell.footer).not.toContainText("MIT");
  await shell.footer.getByRole("link", { name: "关于本系统" }).click();
  await expect(shell.heading("关于本系统")).toBeVisible();
  await expect(shell.main).toContainText("MIT 或 Apache-2.0");
  await shell.expectNoHorizontalScroll();
});

import { test, expect } from "../../fixtures";
import { createHash } from "crypto";
import { readFileSync } from "fs";
import { logInAs } from "../../pages/accounts";
import { CertificatesPage, FilesSection } from "../../pages/certificates";
import { DEMO } from "../../support/demo";

test("a holder views a scan and downloads a file with the right bytes", async ({
  page,
  jsEnabled,
}) => {
  await logInAs(page, jsEnabled, DEMO.zhangWei);
  const list = new CertificatesPage(page, jsEnabled);
  await list.openDownload("2015110100777001");
  const files = new FilesSection(page, jsEnabled);
  await expect(files.file("证书扫描件.pdf")).toBeVisible();

  // [查看文件] an image: shown in the page.
  await files.file("证书扫描件.png").getByRole("link", { name: "查看文件" }).click();
  const image = page.getByRole("img", { name: "证书扫描件.png" });
  await expect(image).toBeVisible();
  // Visible comes before loaded: wait for the decoded picture, not just the element.
  await expect
    .poll(() => image.evaluate((img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0)))
    .toBeGreaterThan(100);
  await page.goBack();
  await files.waitForHydration();

  // [查看文件] a PDF: embedded, with a download fallback for browsers that cannot show it.
  await files.file("证书扫描件.pdf").getByRole("link", { name: "查看文件" }).click();
  await expect(page.locator("object.file-viewer")).toHaveAttribute("type", "application/pdf");
  await page.goBack();
  await files.waitForHydration();

  // [下载文件]: the saved bytes are the stored file (same SHA-256 as shown on the page).
  const expected = await files.sha256Of("证书扫描件.pdf");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    files.file("证书扫描件.pdf").getByRole("link", { name: "下载文件" }).click(),
  ]);
  expect(download.suggestedFilename()).toBe("证书扫描件.pdf");
  const saved = readFileSync(await download.path());
  expect(saved.subarray(0, 5).toString()).toBe("%PDF-");
  expect(createHash("sha256").update(saved).digest("hex")).toBe(expected);
});

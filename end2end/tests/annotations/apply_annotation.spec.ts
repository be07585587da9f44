import { test, expect } from "../../fixtures";
import { readFileSync } from "fs";
import { AnnotationsSection } from "../../pages/annotations";
import { holderWithECertificate } from "../../support/seed";

test("apply for an annotation, watch it being generated, view and download the copy", async ({
  page,
  jsEnabled,
}, testInfo) => {
  const { number, certificateId } = await holderWithECertificate(page, jsEnabled, "张𪚥");
  const section = new AnnotationsSection(page, jsEnabled);
  await section.openDownloadPage(certificateId);
  await expect(section.section).toContainText("证书加注信息为空");
  await section.apply();

  await expect(section.items).toHaveCount(1);
  await expect(section.status()).toHaveText(/证书生成中/);
  await section.waitUntilReady();
  const item = section.items.first();
  await expect(item).toContainText("本人调用");
  await expect(item).toContainText("90 天");
  await expect(section.section).toContainText("还可申请 2 次");

  // [查看]: the PDF inside the page on wide screens, a drawn preview on phones.
  await item.getByRole("link", { name: "查看" }).click();
  await expect(section.heading("电子证书加注件")).toBeVisible();
  const isPhone = testInfo.project.name === "mobile";
  if (isPhone) {
    const preview = page.getByTestId("copy-preview");
    await expect(preview).toBeVisible();
    await expect
      .poll(() => preview.evaluate((img: HTMLImageElement) => img.naturalWidth))
      .toBeGreaterThan(300);
  } else {
    await expect(page.locator("object.file-viewer")).toBeVisible();
  }

  // [下载]: <certificate number>_<annotation number>.pdf, a small signed PDF.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "下载", exact: true }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(new RegExp(`^${number}_JZ\\d{16}\\.pdf$`));
  const pdf = readFileSync(await download.path());
  expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
  expect(pdf.length).toBeLessThan(60 * 1024);
  expect(pdf.includes(Buffer.from("/ETSI.CAdES.detached"))).toBe(true);
});

test("the validity must be 1 to 90 whole days", async ({ page, jsEnabled }) => {
  const { certificateId } = await holderWithECertificate(page, jsEnabled);
  const section = new AnnotationsSection(page, jsEnabled);
  await section.goto(`/certificates/${certificateId}/annotate`);
  await page.getByLabel("加注有效期（天）").fill("120");
  await page.getByRole("button", { name: "提交加注申请" }).click();
  await expect(page.getByTestId("error-validity_days")).toHaveText(/1 至 90 天/);
  await expect(page.getByLabel("加注有效期（天）")).toHaveValue("120");
});

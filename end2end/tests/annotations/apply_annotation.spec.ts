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

  // To share with an employer: the verification link and the QR code, with the expiry stated.
  const share = page.getByTestId("share");
  await expect(share).toContainText("加注有效期至");
  const link = await share.getByLabel("核验链接").inputValue();
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/verify\/[A-Za-z0-9]+$/);
  await expect
    .poll(() => page.getByTestId("share-qr").evaluate((img: HTMLImageElement) => img.naturalWidth))
    .toBeGreaterThan(0);
  if (jsEnabled) {
    await share.getByRole("button", { name: "复制核验链接" }).click();
    await expect(page.getByTestId("share-status")).toHaveText(/已复制|手动复制/);
  }
  // The link opens the public verification result.
  await page.goto(link);
  await expect(page.getByTestId("verdict")).toHaveAttribute("data-verdict", "valid");
});

test("the validity must be 1 to 90 whole days", async ({ page, jsEnabled }) => {
  const { certificateId } = await holderWithECertificate(page, jsEnabled);
  const section = new AnnotationsSection(page, jsEnabled);
  await section.goto(`/certificates/${certificateId}/annotate`);
  // The common choices, the advised maximum chosen; anything else is typed under 其他天数.
  const validity = page.getByRole("group", { name: "加注有效期" });
  await expect(validity.getByRole("radio", { name: /^90 天（建议）/ })).toBeChecked();
  for (const days of ["60 天", "30 天", "7 天"]) {
    await expect(validity.getByRole("radio", { name: days })).toBeVisible();
  }
  await validity.getByRole("radio", { name: "其他天数", exact: true }).check();
  await validity.getByLabel("其他天数（1 至 90 天）").fill("120");
  await page.getByRole("button", { name: "提交加注申请" }).click();
  await expect(page.getByTestId("error-validity_days")).toHaveText(/1 至 90 天/);
  await expect(validity.getByLabel("其他天数（1 至 90 天）")).toHaveValue("120");
  await expect(validity.getByRole("radio", { name: "其他天数", exact: true })).toBeChecked();
});

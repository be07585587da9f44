import { test, expect } from "../../fixtures";
import { writeFileSync } from "fs";
import { AnnotationsSection } from "../../pages/annotations";
import { VerifyPage } from "../../pages/verify";
import { holderWithECertificate } from "../../support/seed";

test("a verifier checks a copy by its link, by number and name, and by upload; the holder sees it", async ({
  page,
  jsEnabled,
  browser,
}, testInfo) => {
  // The holder produces a copy and downloads it.
  const { number, certificateId } = await holderWithECertificate(page, jsEnabled, "阿依古丽·买买提");
  const section = new AnnotationsSection(page, jsEnabled);
  await section.openDownloadPage(certificateId);
  await section.apply();
  await section.waitUntilReady();
  const item = section.items.first();
  const annotationNumber = (await item.getAttribute("data-number"))!;
  const copyHref = (await item.getByRole("link", { name: "查看" }).getAttribute("href"))!;
  const code = copyHref.split("/").pop()!;
  const pdf = await (await page.request.get(`${copyHref}/download`)).body();
  const file = testInfo.outputPath("copy.pdf");
  writeFileSync(file, pdf);

  // The verifier: another browser, no account.
  const context = await browser.newContext({
    ...testInfo.project.use,
    baseURL: testInfo.project.use.baseURL,
  });
  const verifierPage = await context.newPage();
  const verifier = new VerifyPage(verifierPage, jsEnabled);

  // 1. The QR code's link.
  await verifier.goto(`/verify/${code}`);
  await verifier.expectVerdict("valid", "真实有效");
  await expect(verifier.verdict).toContainText(number);
  await expect(verifier.verdict).toContainText("阿依古丽·买买提");
  await expect(verifier.verdict).toContainText("**********");
  // The result prints as a clean record.
  await verifier.expectPrintable(verifier.verdict);
  // The same link opened again from the same place: counted on that line, not listed.
  for (let i = 0; i < 3; i++) {
    await verifier.goto(`/verify/${code}`);
    await verifier.expectVerdict("valid", "真实有效");
  }

  // 2. Number and name (and the annotation number), with a stated purpose.
  await verifier.open();
  await verifier.checkManually(number, "阿依古丽·买买提", { annotation: annotationNumber, purpose: "入职审核" });
  await verifier.expectVerdict("valid", "真实有效");
  await verifier.checkManually(number, "阿依古丽");
  await verifier.expectVerdict("not_genuine", "无法验证为真实");
  await expect(verifier.verdict).not.toContainText(number);
  // The verifier sees what they typed beside the verdict, to find the wrong character.
  await verifier.expectManualValues(number, "阿依古丽");

  // 3. The uploaded PDF.
  await verifier.open();
  await verifier.upload(file, "背景调查");
  await verifier.expectVerdict("valid", "真实有效");
  await context.close();

  // The holder sees each check of their certificate, with its way and purpose (the check
  // with the wrong name found nothing, so it is no check of theirs).
  await section.goto(`/certificates/${certificateId}`);
  const log = page.getByTestId("verification-log");
  // (three lines; a fourth only if the repeats straddled a ten-minute window)
  await expect(log.getByTestId("verification").first()).toBeVisible();
  expect([3, 4]).toContain(await log.getByTestId("verification").count());
  await expect(log.getByTestId("more-checks").first()).toContainText(/另有 [1-3] 次重复查验/);
  await expect(log).toContainText("入职审核");
  await expect(log).toContainText("背景调查");
  await expect(log).toContainText("扫码");
  await expect(log).toContainText("上传文件");
});

test("a tampered file is refused as not genuine, with the reason", async ({ page, jsEnabled }, testInfo) => {
  const { certificateId } = await holderWithECertificate(page, jsEnabled);
  const section = new AnnotationsSection(page, jsEnabled);
  await section.openDownloadPage(certificateId);
  await section.apply();
  await section.waitUntilReady();
  const href = (await section.items.first().getByRole("link", { name: "查看" }).getAttribute("href"))!;
  const pdf = Buffer.from(await (await page.request.get(`${href}/download`)).body());
  pdf[Math.floor(pdf.length / 3)] ^= 1;
  const file = testInfo.outputPath("tampered.pdf");
  writeFileSync(file, pdf);
  const verifier = new VerifyPage(page, jsEnabled);
  await verifier.open();
  await verifier.upload(file);
  await verifier.expectVerdict("not_genuine", "无法验证为真实");
  await expect(verifier.verdict).toContainText("文件在签名后被修改过");
});

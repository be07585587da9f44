import { test, expect } from "../../fixtures";
import { request as playwrightRequest } from "@playwright/test";
import { readFileSync, writeFileSync } from "fs";
import { AnnotationsSection } from "../../pages/annotations";
import { VerifyPage } from "../../pages/verify";
import { holderWithECertificate } from "../../support/seed";
import { operatorCommand, readQrCode, verifyCredential } from "../../support/credentials";

// Issue 16: the annotated copy as a W3C Verifiable Credential, checked by verifiers nobody
// here wrote (Digital Bazaar's @digitalbazaar/vc, data-integrity + eddsa-rdfc-2022 and
// vc-bitstring-status-list, offline but for the issuer's did:web and status list).
test("the holder downloads the copy as a verifiable credential that standard verifiers accept", async ({
  page,
  jsEnabled,
}, testInfo) => {
  // Each run of the independent verifier starts Node and loads its libraries.
  test.setTimeout(120_000);
  const { number, certificateId } = await holderWithECertificate(page, jsEnabled, "欧阳𪚥");
  const section = new AnnotationsSection(page, jsEnabled);
  await section.openDownloadPage(certificateId);
  await section.apply();
  await section.waitUntilReady();
  const item = section.items.first();
  const annotationNumber = (await item.getAttribute("data-number"))!;

  // [下载可验证凭证] beside [查看] [下载]: a plain link, so it works without JavaScript too.
  const link = item.getByRole("link", { name: "下载可验证凭证" });
  await expect(link).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
  expect(download.suggestedFilename()).toBe(`${number}_${annotationNumber}.jsonld`);
  const file = testInfo.outputPath("credential.jsonld");
  await download.saveAs(file);
  const credential = JSON.parse(readFileSync(file, "utf8"));
  expect(credential.credentialSubject.holderName).toBe("欧阳𪚥");
  expect(credential.credentialSubject.certificateNumber).toBe(number);
  expect(credential.proof.cryptosuite).toBe("eddsa-rdfc-2022");

  // Checked at a moment inside its validity as the server counts time: tests running beside
  // this one move the server's clock ahead of the machine's, so "now" may be before validFrom.
  const duringValidity = new Date(Date.parse(credential.validFrom) + 60_000);

  // Verified: proof by the issuer's did:web key, status list not set.
  expect(verifyCredential(file, duringValidity)).toEqual({ verified: true, revoked: false, errors: [] });

  // After its validity it is reported expired.
  const afterValidity = new Date(Date.parse(credential.validUntil) + 86_400_000); // beyond the 5 min skew allowed
  const expired = verifyCredential(file, afterValidity);
  expect(expired.verified).toBe(false);
  expect(expired.errors.join(" ")).toContain("validUntil");

  // A changed field fails the proof.
  const tampered = testInfo.outputPath("tampered.jsonld");
  writeFileSync(
    tampered,
    JSON.stringify({ ...credential, credentialSubject: { ...credential.credentialSubject, holderName: "李四" } }),
  );
  const changed = verifyCredential(tampered, duringValidity);
  expect(changed.verified).toBe(false);
  expect(changed.errors.join(" ")).toContain("Invalid signature");

  // The portal's own verification page takes the credential like the PDF.
  const verifier = new VerifyPage(page, jsEnabled);
  await verifier.open();
  await verifier.upload(file, "入职审核");
  await verifier.expectVerdict("valid", "真实有效");
  await expect(verifier.verdict).toContainText(number);
  await verifier.open();
  await verifier.upload(tampered);
  await verifier.expectVerdict("not_genuine", "无法验证为真实");

  // The operator revokes the certificate: the status list says so at once.
  operatorCommand(["revoke", number, "--reason", "端到端测试撤销"]);
  expect(verifyCredential(file, duringValidity)).toMatchObject({ verified: true, revoked: true });
  await verifier.open();
  await verifier.upload(file);
  await verifier.expectVerdict("revoked", "证书已撤销");
});

// The copy's page shows a short-lived wallet link and its QR code: a wallet on the phone scans
// it and, with no session, takes the same credential, which standard verifiers accept. (The
// link's expiry moves the clock: `credential_time.clock.spec.ts`.)
test("a wallet takes the credential by the QR code on the copy's page", async ({ page, jsEnabled }, testInfo) => {
  test.setTimeout(120_000);
  const { certificateId } = await holderWithECertificate(page, jsEnabled, "司马𪚥");
  const section = new AnnotationsSection(page, jsEnabled);
  await section.openDownloadPage(certificateId);
  await section.apply();
  await section.waitUntilReady();
  await section.items.first().getByRole("link", { name: "查看" }).click();
  await expect(page.getByRole("heading", { name: "电子证书加注件", level: 1 })).toBeVisible();

  const wallet = page.getByTestId("wallet");
  await expect(wallet.getByRole("heading", { name: "添加到数字钱包" })).toBeVisible();
  await expect(wallet).toContainText("10 分钟内有效");
  const link = await wallet.getByLabel("钱包链接").inputValue();
  expect(link).toMatch(/\/credentials\/copy\/[a-z0-9]+\.\d+\.[0-9a-f]{32}$/);

  // What the wallet's camera reads off the screen is that link.
  const qr = wallet.getByRole("img", { name: "数字钱包领取可验证凭证的二维码" });
  await expect.poll(() => qr.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  const shot = testInfo.outputPath("wallet-qr.png");
  await qr.screenshot({ path: shot });
  expect(readQrCode(shot)).toBe(link);

  // The wallet, without the holder's cookies, takes the credential by the link.
  const phone = await playwrightRequest.newContext();
  const response = await phone.get(link);
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toBe("application/vc+ld+json");
  const file = testInfo.outputPath("from-wallet-link.jsonld");
  writeFileSync(file, await response.body());
  const credential = JSON.parse(readFileSync(file, "utf8"));
  expect(credential.credentialSubject.holderName).toBe("司马𪚥");
  const duringValidity = new Date(Date.parse(credential.validFrom) + 60_000);
  expect(verifyCredential(file, duringValidity)).toEqual({ verified: true, revoked: false, errors: [] });

  await phone.dispose();
});

import { test, expect } from "../../fixtures";
import { readFileSync, writeFileSync } from "fs";
import { AnnotationsSection } from "../../pages/annotations";
import { VerifyPage } from "../../pages/verify";
import { advanceClock, holderWithECertificate } from "../../support/seed";
import { operatorCommand, verifyCredential } from "../../support/credentials";

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
  // Further ahead than the verifiers' 5 min clock skew, as it was when this test first failed:
  // the status list, signed when served, must still verify.
  await advanceClock(page.request, 10 * 60_000);

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

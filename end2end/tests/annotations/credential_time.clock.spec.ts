import { test, expect } from "../../fixtures";
import { readFileSync } from "fs";
import { request as playwrightRequest } from "@playwright/test";
import { AnnotationsSection } from "../../pages/annotations";
import { advanceClock, holderWithECertificate, resetClock } from "../../support/seed";
import { verifyCredential } from "../../support/credentials";

// Moves the server clock: runs in its own project, after all the others.
test.afterEach(async ({ request }) => {
  await resetClock(request);
});

// Ten minutes on the server's clock: the credential still verifies, its status list being
// signed when served (a verifier whose clock is behind the server's by more than the 5 min
// skew it allows must not call the list "not yet valid"), and the wallet link has ended until
// the copy's page is reloaded.
test("ten minutes on, the credential still verifies and the wallet link is renewed by reloading", async ({
  page,
  jsEnabled,
}, testInfo) => {
  test.setTimeout(120_000);
  const { certificateId } = await holderWithECertificate(page, jsEnabled, "上官𪚥");
  const section = new AnnotationsSection(page, jsEnabled);
  await section.openDownloadPage(certificateId);
  await section.apply();
  await section.waitUntilReady();
  const item = section.items.first();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    item.getByRole("link", { name: "下载可验证凭证" }).click(),
  ]);
  const file = testInfo.outputPath("credential.jsonld");
  await download.saveAs(file);
  const credential = JSON.parse(readFileSync(file, "utf8"));
  await item.getByRole("link", { name: "查看" }).click();
  const wallet = page.getByTestId("wallet");
  const link = await wallet.getByLabel("钱包链接").inputValue();
  const phone = await playwrightRequest.newContext();
  expect((await phone.get(link)).status()).toBe(200);

  await advanceClock(page.request, 10 * 60_000 + 1_000);

  const duringValidity = new Date(Date.parse(credential.validFrom) + 60_000);
  expect(verifyCredential(file, duringValidity)).toEqual({ verified: true, revoked: false, errors: [] });

  const expired = await phone.get(link);
  expect(expired.status()).toBe(410);
  expect(await expired.text()).toContain("钱包链接已过期");
  await page.reload();
  const fresh = await wallet.getByLabel("钱包链接").inputValue();
  expect(fresh).not.toBe(link);
  expect((await phone.get(fresh)).status()).toBe(200);
  await phone.dispose();
});

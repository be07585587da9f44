import { test, expect } from "../../fixtures";
import { logInAs } from "../../pages/accounts";
import { AnnotationsSection } from "../../pages/annotations";
import { PASSWORD } from "../../support/ids";
import { advanceClock, holderWithECertificate, resetClock } from "../../support/seed";

// Moves the server clock: runs in its own project, after all the others.
test.afterEach(async ({ request }) => {
  await resetClock(request);
});

test("a copy expires at the end of its validity and can be applied for again", async ({
  page,
  jsEnabled,
  request,
}) => {
  const { idNumber, certificateId } = await holderWithECertificate(page, jsEnabled);
  const section = new AnnotationsSection(page, jsEnabled);
  await section.openDownloadPage(certificateId);
  await section.apply(1);
  await section.waitUntilReady();
  const code = (await section.items.first().getByRole("link", { name: "查看" }).getAttribute("href"))!;

  await advanceClock(request, 24 * 60 * 60 * 1000 + 60_000);
  // The session has expired meanwhile too.
  await logInAs(page, jsEnabled, { idNumber, password: PASSWORD }, `/certificates/${certificateId}/download`);
  await expect(section.status()).toHaveText(/加注件已过期/);
  await expect(section.items.first().getByRole("link", { name: "下载", exact: true })).toHaveCount(0);

  // The old link now explains instead of downloading.
  await page.goto(`${code}/download`);
  await expect(page).toHaveURL(new RegExp(`${code}$`));
  await expect(page.getByRole("status")).toContainText("加注件已过期");
  await page.getByRole("link", { name: "重新申请加注" }).click();
  await expect(section.heading("申请证书加注")).toBeVisible();
});

import { test, expect, Page } from "../../fixtures";
import { logInAs, RegisterPage } from "../../pages/accounts";
import { AnnotationsSection } from "../../pages/annotations";
import { CertificatesPage, FilesSection } from "../../pages/certificates";
import { Shell } from "../../pages/shell";
import { DEMO } from "../../support/demo";
import { holderWithECertificate } from "../../support/seed";

// Every page under the policy the server sends (desktop, phone, without JavaScript): nothing it
// needs is refused. With JavaScript a policy that silently kept the wasm from loading would
// leave the pages dead, so each page must also hydrate (and the register page's picker must
// open as a dialog).

type Violation = { page: string; what: string };

/** Records what the browser refused under the policy: `securitypolicyviolation` events (with
 *  JavaScript) and the console's reports of refusals (in every project). */
async function watchPolicy(page: Page): Promise<Violation[]> {
  const violations: Violation[] = [];
  page.on("console", (msg) => {
    if (/Content.Security.Policy|Permissions.Policy|Refused to/i.test(msg.text())) {
      violations.push({ page: page.url(), what: `${msg.type()}: ${msg.text()}` });
    }
  });
  await page.exposeFunction("__reportPolicyViolation", (what: string) => {
    violations.push({ page: page.url(), what });
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const where = `${e.sourceFile}:${e.lineNumber}`;
      // @ts-expect-error injected by exposeFunction
      window.__reportPolicyViolation?.(`${e.violatedDirective} blocked ${e.blockedURI} (${where})`);
    });
  });
  return violations;
}

/** Opens `path`, checks the policy header and, with JavaScript, that the page hydrated. */
async function visit(shell: Shell, path: string, status = 200) {
  const response = await shell.goto(path);
  expect(response?.status(), path).toBe(status);
  await expectPolicyOn(shell, path, response?.headers() ?? {});
}

async function expectPolicyOn(shell: Shell, what: string, headers: Record<string, string>) {
  const policy = headers["content-security-policy"] ?? "";
  expect(policy, `${what}: a policy with a nonce for scripts`).toMatch(
    /script-src [^;]*'nonce-[A-Za-z0-9_-]{22,}'/,
  );
  expect(policy, what).not.toContain("'unsafe-inline'");
  expect(headers["x-content-type-options"], what).toBe("nosniff");
  expect(headers["cross-origin-opener-policy"], what).toBe("same-origin");
  await shell.waitForHydration();
}

/** After a page settled: nothing was refused. */
async function expectNoViolations(page: Page, violations: Violation[]) {
  // Reports arrive asynchronously; give the last page's a moment.
  await page.waitForTimeout(200);
  expect(violations, "nothing refused by the Content-Security-Policy").toEqual([]);
}

test("the public pages work under the policy", async ({ page, jsEnabled }) => {
  const violations = await watchPolicy(page);
  const shell = new Shell(page, jsEnabled);
  for (const path of ["/", "/login", "/verify", "/faq", "/about", "/sample", "/rare-chars?q=yan3", "/appeal", "/appeal/status"]) {
    await visit(shell, path);
  }
  await visit(shell, "/no/such/page", 404);

  const register = new RegisterPage(page, jsEnabled);
  await visit(register, "/register");
  if (jsEnabled) {
    // The picker opens as a dialog in the page only when the wasm handles the click (without
    // it the link opens the picker page, visited above, in a new tab); its candidates come
    // from a server function and are drawn as glyph images.
    await register.rareCharButton.click();
    await expect(register.picker).toBeVisible();
    await register.picker.getByLabel("拼音").fill("yan3");
    const candidate = register.picker.getByRole("button").filter({ hasText: "yǎn" });
    await expect(candidate.first()).toBeVisible();
    await expect(register.picker.locator("img").first()).toBeVisible();
  }
  await expectNoViolations(page, violations);
});

test("a holder's pages, the copy and its verification work under the policy", async ({
  page,
  jsEnabled,
}) => {
  const violations = await watchPolicy(page);
  const { certificateId } = await holderWithECertificate(page, jsEnabled);
  const section = new AnnotationsSection(page, jsEnabled);
  for (const path of [
    "/terms",
    "/certificates",
    `/certificates/${certificateId}`,
    `/certificates/${certificateId}/annotate`,
    `/certificates/${certificateId}/download`,
  ]) {
    await visit(section, path);
  }
  // Applying: a form, answered by a server function (JS) or a plain post (no JS).
  await section.apply(1);
  await section.waitUntilReady();
  // [查看]: the copy embedded (a PDF in <object>) or as a drawn preview. Opened by address,
  // as `goto` waits for the embedded copy to load before the next page is opened.
  const view = section.items.first().getByRole("link", { name: "查看" });
  const copyPath = (await view.getAttribute("href"))!;
  const code = copyPath.split("/").pop()!;
  await visit(section, copyPath);
  await expect(section.heading("电子证书加注件")).toBeVisible();
  await visit(section, `/verify/${code}`);
  await expect(page.getByTestId("verdict")).toHaveAttribute("data-verdict", /.+/);
  await visit(section, "/account");
  await visit(section, "/account/delete");
  await expectNoViolations(page, violations);
});

test("the file views work under the policy", async ({ page, jsEnabled }) => {
  const violations = await watchPolicy(page);
  await logInAs(page, jsEnabled, DEMO.zhangWei);
  const list = new CertificatesPage(page, jsEnabled);
  await list.openDownload("2015110100777001");
  const files = new FilesSection(page, jsEnabled);
  const names = ["证书扫描件.png", "证书扫描件.pdf"];
  const views: string[] = [];
  for (const name of names) {
    const view = files.file(name).getByRole("link", { name: "查看文件" });
    views.push((await view.getAttribute("href"))!);
  }
  for (const [i, name] of names.entries()) {
    await visit(files, views[i]);
    if (name.endsWith(".png")) {
      const image = page.getByRole("img", { name });
      const width = (img: HTMLImageElement) => (img.complete ? img.naturalWidth : 0);
      await expect.poll(() => image.evaluate(width)).toBeGreaterThan(100);
    } else {
      await expect(page.locator("object.file-viewer")).toHaveAttribute("type", "application/pdf");
    }
  }
  await expectNoViolations(page, violations);
});

import { test as base, expect, BrowserContext, Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

/** Messages in the browser console that mean something is broken (hydration, panics, 404s). */
type ConsoleProblem = { type: string; text: string };

export const test = base.extend<{
  jsEnabled: boolean;
  consoleProblems: ConsoleProblem[];
  noSidewaysScrolling: void;
  accessible: void;
}>({
  jsEnabled: async ({}, use, testInfo) => {
    await use(testInfo.project.use.javaScriptEnabled !== false);
  },
  // Every test in a JavaScript project fails if the page logged an error or a warning
  // (Leptos reports hydration mismatches as console errors/warnings).
  consoleProblems: [
    async ({ page, jsEnabled }, use) => {
      const problems: ConsoleProblem[] = [];
      page.on("console", (msg) => {
        if (msg.type() === "error" || msg.type() === "warning") {
          problems.push({ type: msg.type(), text: msg.text() });
        }
      });
      page.on("pageerror", (err) => problems.push({ type: "pageerror", text: String(err) }));
      await use(problems);
      const unexpected = problems.filter(
        (p) => !isExpected(p.text) && !(jsEnabled === false && isUnusedPreload(p.text)),
      );
      expect(unexpected, "console errors or warnings").toEqual([]);
    },
    { auto: true },
  ],
  // Every page the suite visits fits the screen: no sideways scrolling, on the 320 px phone of
  // the mobile project as on the desktop. Measured when each page has loaded and again at the
  // end of the test (after hydration and whatever the test did).
  noSidewaysScrolling: [
    async ({ page }, use) => {
      const overflows: string[] = [];
      const measure = async () => {
        try {
          const { over, path } = await page.evaluate(() => ({
            over: document.documentElement.scrollWidth - document.documentElement.clientWidth,
            path: location.pathname + location.search,
          }));
          if (over > 0) overflows.push(`${path}: ${over} px too wide`);
        } catch {
          // The page navigated on or closed meanwhile; the next load measures it.
        }
      };
      const pending: Promise<void>[] = [];
      page.on("load", () => pending.push(measure()));
      await use();
      pending.push(measure());
      await Promise.all(pending);
      expect([...new Set(overflows)], "pages that scroll sideways").toEqual([]);
    },
    { auto: true },
  ],
  // Every page the suite visits passes axe's WCAG 2.1 A and AA rules, desktop, phone and
  // without JavaScript: audited when each page has loaded and again at the end of the test
  // (after hydration and whatever the test opened, e.g. the picker dialog). A page whose markup
  // this worker has already audited (same structure; digits, which carry ids and dates, do not
  // count) is not audited again, which keeps the cost to the first visit of each state.
  accessible: [
    async ({ page, browser, jsEnabled }, use, testInfo) => {
      const violations: string[] = [];
      // axe runs as a script: with scripts off it cannot run in the page itself, so the page's
      // markup (without its scripts) is audited in a scripted page, with the site's styles.
      const auditPage = async (): Promise<Page> => {
        if (jsEnabled) return page;
        const html = (await page.content()).replace(/<script\b[\s\S]*?<\/script>/gi, "");
        const origin = new URL(page.url()).origin;
        // One scripted context per worker serves every audit: a context per audit cost seconds.
        auditContext ??= browser.newContext({ javaScriptEnabled: true });
        const copy = await (await auditContext).newPage();
        await copy.setContent(html.replace(/<head>/i, `<head><base href="${origin}/">`), {
          waitUntil: "load",
        });
        return copy;
      };
      const audit = async () => {
        try {
          const { path, fingerprint } = await page.evaluate(() => {
            const markup = document.documentElement.outerHTML.replace(/[0-9]+/g, "0");
            let hash = 0;
            for (let i = 0; i < markup.length; i++) hash = (Math.imul(hash, 31) + markup.charCodeAt(i)) | 0;
            return { path: location.pathname + location.search, fingerprint: `${markup.length}:${hash}` };
          });
          const key = `${testInfo.project.name} ${fingerprint}`;
          if (audited.has(key)) return;
          const target = await auditPage();
          const result = await new AxeBuilder({ page: target })
            .withTags(WCAG_21_AA)
            .analyze()
            .finally(() => (target !== page ? target.close() : undefined));
          audited.add(key);
          for (const v of result.violations) {
            const nodes = v.nodes.map((n) => n.target.join(" ")).join(", ");
            violations.push(`${path}: ${v.id} (${v.impact}) ${v.help} — ${nodes}`);
          }
        } catch (e) {
          if (process.env.AXE_DEBUG) console.log("axe audit skipped:", String(e).slice(0, 300));
          // The page navigated on or closed meanwhile; the next load audits it.
        }
      };
      const pending: Promise<void>[] = [];
      page.on("load", () => pending.push(audit()));
      await use();
      await Promise.all(pending);
      await audit();
      expect([...new Set(violations)], "axe (WCAG 2.1 AA) violations").toEqual([]);
    },
    // Its own time budget: the audit at the end of the test does not eat the test's 30 s.
    { auto: true, timeout: 60_000 },
  ],
});

/** axe's rule tags for WCAG 2.0 and 2.1, levels A and AA. */
const WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/** The scripted context in which this worker audits pages served without JavaScript. */
let auditContext: Promise<BrowserContext> | undefined;

/** Page states this worker has audited (project + markup fingerprint). */
const audited = new Set<string>();

/** Responses the tests provoke on purpose (a 404 page, a refused form) log a resource error. */
function isExpected(text: string): boolean {
  return /Failed to load resource: the server responded with a status of (400|404|409|413|422|429|403)/.test(
    text,
  );
}

/** With scripts off, the browser warns that the preloaded (hydration) wasm went unused. */
function isUnusedPreload(text: string): boolean {
  return /certportal(\.[0-9a-f]{20})?\.wasm was preloaded using link preload but not used/.test(text);
}

export { expect };
export type { Page };

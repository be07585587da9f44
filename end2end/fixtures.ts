import { test as base, expect, Page } from "@playwright/test";

/** Messages in the browser console that mean something is broken (hydration, panics, 404s). */
type ConsoleProblem = { type: string; text: string };

export const test = base.extend<{
  jsEnabled: boolean;
  consoleProblems: ConsoleProblem[];
  noSidewaysScrolling: void;
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
});

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

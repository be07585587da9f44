import { expect, Page, Locator } from "@playwright/test";

/** The frame around every page: header, navigation, language switch, footer. */
export class Shell {
  constructor(readonly page: Page, readonly jsEnabled: boolean) {}

  // find
  get header(): Locator {
    return this.page.getByRole("banner");
  }
  get nav(): Locator {
    return this.page.getByRole("navigation");
  }
  get main(): Locator {
    return this.page.getByRole("main");
  }
  get footer(): Locator {
    return this.page.getByRole("contentinfo");
  }
  get langSwitch(): Locator {
    return this.page.getByTestId("lang-switch");
  }
  heading(name: string | RegExp): Locator {
    return this.main.getByRole("heading", { level: 1, name });
  }

  // act
  async goto(path: string) {
    const response = await this.page.goto(path);
    await this.waitForHydration();
    return response;
  }

  /** In JavaScript projects, waits until the browser has taken over the page. */
  async waitForHydration() {
    if (this.jsEnabled) {
      await expect(this.page.locator("body")).toHaveAttribute("data-hydrated", "true");
    }
  }

  async switchLanguage() {
    await this.langSwitch.click();
    await this.page.waitForLoadState();
    await this.waitForHydration();
  }

  // check
  async expectLanguage(tag: "zh-CN" | "en") {
    await expect(this.page.locator("html")).toHaveAttribute("lang", tag);
  }

  /** Nothing sticks out sideways: the page fits the viewport (phones from 360 px). */
  /** Printed (print media), the page shows `content` and none of the site's navigation,
   * footer, buttons or forms. */
  async expectPrintable(content: Locator) {
    await this.page.emulateMedia({ media: "print" });
    await expect(content).toBeVisible();
    await expect(this.page.locator(".site-nav")).toBeHidden();
    await expect(this.footer).toBeHidden();
    for (const form of await this.main.locator("form, .button").all()) {
      await expect(form).toBeHidden();
    }
    await this.page.emulateMedia({ media: null });
  }

  async expectNoHorizontalScroll() {
    const overflow = await this.page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
  }
}

import { expect, Locator } from "@playwright/test";
import { Shell } from "./shell";

/** The e-certificate section of the download page and the application form. */
export class AnnotationsSection extends Shell {
  get section(): Locator {
    return this.page.getByTestId("annotations");
  }

  get items(): Locator {
    return this.section.getByTestId("annotation");
  }

  status(index = 0): Locator {
    return this.items.nth(index).getByTestId("annotation-status");
  }

  async openDownloadPage(certificateId: string) {
    await this.goto(`/certificates/${certificateId}/download`);
  }

  /** [申请证书加注] → scenario and validity → [提交加注申请]. */
  async apply(days?: number) {
    await this.section.getByRole("link", { name: "申请证书加注" }).click();
    await expect(this.heading("申请证书加注")).toBeVisible();
    await this.waitForHydration();
    await expect(this.page.getByLabel("本人调用")).toBeChecked();
    // The guide advises the maximum: 90 days is chosen; other numbers are typed under 其他天数.
    const validity = this.page.getByRole("group", { name: "加注有效期" });
    await expect(validity.getByRole("radio", { name: /^90 天/ })).toBeChecked();
    if (days !== undefined && [60, 30, 7].includes(days)) {
      await validity.getByRole("radio", { name: new RegExp(`^${days} 天`) }).check();
    } else if (days !== undefined && days !== 90) {
      await validity.getByRole("radio", { name: "其他天数", exact: true }).check();
      await validity.getByLabel("其他天数（1 至 90 天）").fill(String(days));
    }
    await this.page.getByRole("button", { name: "提交加注申请" }).click();
    await this.page.waitForURL(/\/download/);
    await this.waitForHydration();
  }

  /** Waits for the copy to be ready: by itself with JavaScript, by reloading without. */
  async waitUntilReady(index = 0) {
    if (this.jsEnabled) {
      await expect(this.status(index)).toHaveText(/可使用/, { timeout: 10_000 });
      return;
    }
    for (let i = 0; i < 20; i++) {
      if ((await this.status(index).textContent())?.includes("可使用")) return;
      await this.page.waitForTimeout(300);
      await this.page.reload();
    }
    await expect(this.status(index)).toHaveText(/可使用/);
  }
}

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
    const validity = this.page.getByLabel("加注有效期（天）");
    await expect(validity).toHaveValue("90");
    if (days !== undefined) {
      await validity.fill(String(days));
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

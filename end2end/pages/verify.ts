import { expect, Locator } from "@playwright/test";
import { Shell } from "./shell";

/** 查询验证 */
export class VerifyPage extends Shell {
  get verdict(): Locator {
    return this.page.getByTestId("verdict");
  }

  async open() {
    await this.goto("/verify");
  }

  async checkManually(number: string, name: string, options: { annotation?: string; purpose?: string } = {}) {
    const form = this.page.getByTestId("manual-form");
    await form.getByLabel("管理号").fill(number);
    await form.getByLabel("持证人姓名").fill(name);
    await form.getByLabel("加注编号（选填）").fill(options.annotation ?? "");
    await form.getByLabel("验证用途（选填）").fill(options.purpose ?? "");
    await form.getByRole("button", { name: "查询验证" }).click();
  }

  /** What the manual form shows now (it must keep what was typed, whatever the verdict). */
  async expectManualValues(number: string, name: string) {
    const form = this.page.getByTestId("manual-form");
    await expect(form.getByLabel("管理号")).toHaveValue(number);
    await expect(form.getByLabel("持证人姓名")).toHaveValue(name);
  }

  async upload(path: string, purpose = "") {
    const form = this.page.getByTestId("upload-form");
    await form.getByLabel("PDF 文件").setInputFiles(path);
    await form.getByLabel("验证用途（选填）").fill(purpose);
    await form.getByRole("button", { name: "上传并验证" }).click();
    await this.page.waitForLoadState();
    await this.waitForHydration();
  }

  async expectVerdict(code: string, title: string | RegExp) {
    await expect(this.verdict).toHaveAttribute("data-verdict", code);
    await expect(this.verdict.getByRole("heading")).toHaveText(title);
  }
}

import { expect, Locator } from "@playwright/test";
import { Shell } from "./shell";

/** 持证人查询下载 */
export class CertificatesPage extends Shell {
  async open() {
    await this.goto("/certificates");
  }

  row(number: string): Locator {
    return this.main.locator(`[data-testid="certificate"][data-number="${number}"]`);
  }

  status(number: string): Locator {
    return this.row(number).getByTestId("status");
  }

  get empty(): Locator {
    return this.page.getByTestId("no-certificates");
  }

  async openDetails(number: string) {
    await this.row(number).getByRole("link", { name: "证书信息" }).click();
    await expect(this.heading("证书信息")).toBeVisible();
  }

  async openDownload(number: string) {
    await this.row(number).getByRole("link", { name: "下载", exact: true }).click();
    await expect(this.heading("电子证书加注、下载")).toBeVisible();
  }
}

/** The download page's electronic files. */
export class FilesSection extends Shell {
  get section(): Locator {
    return this.page.getByTestId("files");
  }

  file(name: string): Locator {
    return this.section.locator(`[data-testid="file"][data-name="${name}"]`);
  }

  async sha256Of(name: string): Promise<string> {
    return (await this.file(name).getByTestId("sha256").textContent())!.trim();
  }
}

import { expect, Locator } from "@playwright/test";
import * as fs from "fs";
import { Shell } from "./shell";
import { CodePage } from "./accounts";
import { codeSentTo } from "../support/outbox";

/** 我的账户 › 我的个人信息: the download of everything held about the holder. */
export class PersonalDataSection extends Shell {
  // find
  get section(): Locator {
    return this.main.getByRole("region", { name: "我的个人信息" });
  }
  get exportLink(): Locator {
    return this.section.getByRole("link", { name: "下载我的个人信息（JSON 文件）" });
  }
  get deleteLink(): Locator {
    return this.section.getByRole("link", { name: "注销账号" });
  }

  // act
  async openAccount() {
    await this.goto("/account");
    await expect(this.heading("我的账户")).toBeVisible();
  }

  /** Clicks the download link; answers the file's suggested name and its parsed content. */
  async downloadExport(): Promise<{ fileName: string; data: any }> {
    const [download] = await Promise.all([
      this.page.waitForEvent("download"),
      this.exportLink.click(),
    ]);
    const path = await download.path();
    return {
      fileName: download.suggestedFilename(),
      data: JSON.parse(fs.readFileSync(path, "utf8")),
    };
  }
}

/** 注销账号: what goes and what stays, the current password, then the code. */
export class DeleteAccountPage extends Shell {
  // find
  get currentPassword(): Locator {
    return this.main.getByLabel("当前密码");
  }
  get passwordError(): Locator {
    return this.page.getByTestId("error-current");
  }
  get deletedNotice(): Locator {
    return this.page.getByTestId("account-deleted");
  }

  // act
  async openFromAccount() {
    const account = new PersonalDataSection(this.page, this.jsEnabled);
    await account.openAccount();
    await account.deleteLink.click();
    await expect(this.heading("注销账号")).toBeVisible();
    await this.waitForHydration();
  }

  async requestCode(password: string) {
    await this.currentPassword.fill(password);
    await this.main.getByRole("button", { name: "获取验证码" }).click();
  }

  /** The code the outbox holds for `mobile`, then [确认]. */
  async confirmWithCodeTo(mobile: string) {
    const confirm = new CodePage(this.page, this.jsEnabled);
    await confirm.expectShown("确认账户变更");
    await confirm.enterCode(codeSentTo(mobile));
    await confirm.submit("确认");
  }

  // check
  async expectExplained() {
    for (const heading of ["将被删除的信息", "将保留的信息"]) {
      await expect(this.main.getByRole("heading", { level: 2, name: heading })).toBeVisible();
    }
  }
}

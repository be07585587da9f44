import { expect, Locator } from "@playwright/test";
import { Shell } from "./shell";
import { CodePage } from "./accounts";
import { uniqueMobile } from "../support/ids";
import { codeSentTo } from "../support/outbox";

export type Appeal = {
  idNumber: string;
  name: string;
  mobile?: string;
  statement: string;
};

/** The first bytes of a JPEG, then filler: a phone's photo as far as the check can tell. */
export function jpegPhoto(size = 4096): { name: string; mimeType: string; buffer: Buffer } {
  const buffer = Buffer.alloc(size, 0x42);
  buffer.set([0xff, 0xd8, 0xff, 0xe0], 0);
  return { name: "身份证.jpg", mimeType: "image/jpeg", buffer };
}

/** 账号申诉: the form, its code step, and where a filed appeal lands. */
export class AppealPage extends Shell {
  // find
  get idNumber(): Locator {
    return this.main.getByLabel("证件号码");
  }
  get name(): Locator {
    return this.main.getByLabel("姓名", { exact: true });
  }
  get mobile(): Locator {
    return this.main.getByLabel("手机号码");
  }
  get statement(): Locator {
    return this.main.getByLabel("申诉说明");
  }
  get photo(): Locator {
    return this.main.getByLabel("证件照片");
  }
  /** A button once the page runs JavaScript; a link to the picker page without. */
  get rareCharButton(): Locator {
    return this.main.getByRole(this.jsEnabled ? "button" : "link", { name: "生僻字输入" });
  }
  fieldError(field: string): Locator {
    return this.page.getByTestId(`error-${field}`);
  }
  get filedNotice(): Locator {
    return this.page.getByTestId("appeal-filed");
  }

  // act
  async open() {
    await this.goto("/appeal");
    await expect(this.heading("账号申诉")).toBeVisible();
  }

  /** The mobile number the form was last filled with. */
  mobileNumber = "";

  async fill(a: Appeal) {
    this.mobileNumber = a.mobile ?? uniqueMobile();
    await this.idNumber.fill(a.idNumber);
    await this.name.fill(a.name);
    await this.mobile.fill(this.mobileNumber);
    await this.statement.fill(a.statement);
  }

  async attach(file: { name: string; mimeType: string; buffer: Buffer }) {
    await this.photo.setInputFiles(file);
  }

  async submit() {
    await this.main.getByRole("button", { name: "获取验证码并提交" }).click();
  }

  /** The code the outbox holds for the appellant's number, then [提交申诉]. */
  async confirmWithCode() {
    const confirm = new CodePage(this.page, this.jsEnabled);
    await confirm.expectShown("确认手机号，提交申诉");
    await confirm.enterCode(codeSentTo(this.mobileNumber));
    await confirm.submit("提交申诉");
  }

  // check
  /** The appeal number the filed page shows. */
  async filedNumber(): Promise<string> {
    await expect(this.filedNotice).toBeVisible();
    const text = (await this.filedNotice.textContent()) ?? "";
    const match = text.match(/申诉编号：([0-9A-Z]{10})/);
    expect(match, text).not.toBeNull();
    return match![1];
  }
}

/** 申诉进度查询 */
export class AppealStatusPage extends Shell {
  get state(): Locator {
    return this.page.getByTestId("appeal-state");
  }
  get reason(): Locator {
    return this.page.getByTestId("appeal-reason");
  }
  get formError(): Locator {
    return this.page.getByTestId("form-error");
  }

  async open() {
    await this.goto("/appeal/status");
  }

  async lookUp(appealNumber: string, idNumber: string) {
    await expect(this.heading("申诉进度查询")).toBeVisible();
    await this.waitForHydration();
    await this.main.getByLabel("申诉编号").fill(appealNumber);
    await this.main.getByLabel("证件号码").fill(idNumber);
    await this.main.getByRole("button", { name: "查询", exact: true }).click();
  }

  async expectState(state: "pending" | "approved" | "rejected") {
    await expect(this.state).toHaveAttribute("data-state", state);
  }
}

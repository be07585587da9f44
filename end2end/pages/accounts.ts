import { expect, Page, Locator } from "@playwright/test";
import { Shell } from "./shell";
import { uniqueMobile } from "../support/ids";
import { codeSentTo } from "../support/outbox";

export type Registration = {
  idNumber: string;
  name: string;
  mobile?: string;
  password: string;
};

/** The picker's optional filters, as a holder types them. */
export type PickerFilters = { radical?: string; strokes?: string; rareOnly?: boolean };

/** Fills the picker's fields (the dialog, or the form of the no-JavaScript page) in `scope`. */
export async function fillPickerFilters(scope: Locator, pinyin: string, filters: PickerFilters) {
  await scope.getByLabel("拼音").fill(pinyin);
  if (filters.radical !== undefined) await scope.getByLabel("部首").fill(filters.radical);
  if (filters.strokes !== undefined) await scope.getByLabel("笔画数").fill(filters.strokes);
  if (filters.rareOnly) await scope.getByLabel("只看扩展区生僻字").check();
}

/** 生僻字输入 as a page of its own (what the [生僻字输入] link opens without JavaScript). */
export class RareCharsPage extends Shell {
  // find
  get form(): Locator {
    return this.main.getByRole("search");
  }
  /** The characters offered for copying, in order. */
  get characters(): Locator {
    return this.main.locator(".copy-list").getByRole("textbox");
  }
  get error(): Locator {
    return this.main.getByRole("alert");
  }

  // act
  async open() {
    await this.goto("/rare-chars");
  }

  async search(pinyin: string, filters: PickerFilters = {}) {
    await fillPickerFilters(this.form, pinyin, filters);
    await this.form.getByRole("button", { name: "查询" }).click();
    await this.page.waitForLoadState();
    await this.waitForHydration();
  }
}

/** 用户注册 */
export class RegisterPage extends Shell {
  // find
  get idType(): Locator {
    return this.main.getByLabel("证件类型");
  }
  get idNumber(): Locator {
    return this.main.getByLabel("证件号码");
  }
  get name(): Locator {
    return this.main.getByLabel("姓名", { exact: true });
  }
  get mobile(): Locator {
    return this.main.getByLabel("手机号码");
  }
  get password(): Locator {
    return this.main.getByLabel("密码", { exact: true });
  }
  get password2(): Locator {
    return this.main.getByLabel("确认密码");
  }
  /** A button once the page runs JavaScript; a link to the picker page without. */
  get rareCharButton(): Locator {
    return this.main.getByRole(this.jsEnabled ? "button" : "link", { name: "生僻字输入" });
  }
  get picker(): Locator {
    return this.page.getByRole("dialog", { name: "生僻字输入" });
  }
  fieldError(field: string): Locator {
    return this.page.getByTestId(`error-${field}`);
  }

  // act
  async open() {
    await this.goto("/register");
  }

  /** The mobile number the form was last filled with. */
  mobileNumber = "";

  async fill(r: Registration) {
    this.mobileNumber = r.mobile ?? uniqueMobile();
    await this.idNumber.fill(r.idNumber);
    await this.name.fill(r.name);
    await this.mobile.fill(this.mobileNumber);
    await this.password.fill(r.password);
    await this.password2.fill(r.password);
  }

  /** The second step: the code the outbox holds for the number, then [确认]. */
  async confirmWithCode() {
    const confirm = new CodePage(this.page, this.jsEnabled);
    await confirm.expectShown("验证手机号");
    await confirm.enterCode(codeSentTo(this.mobileNumber));
    await confirm.submit("确认");
  }

  /** Candidates shown in the open picker, in order. */
  get pickerCandidates(): Locator {
    return this.picker.locator(".char-grid").getByRole("button");
  }

  /** Opens the picker, searches `pinyin` (narrowed by `filters`) and taps the candidate `ch`. */
  async pickRareCharacter(pinyin: string, ch: string, filters: PickerFilters = {}) {
    await this.rareCharButton.click();
    await expect(this.picker).toBeVisible();
    await fillPickerFilters(this.picker, pinyin, filters);
    const candidate = this.picker.getByRole("button", { name: new RegExp(`^${ch} `) });
    await expect(candidate).toBeVisible();
    await candidate.click();
    await expect(this.picker).toBeHidden();
  }

  async submit() {
    await this.main.getByRole("button", { name: "注册" }).click();
  }
}

/** A page that asks for the code sent to a mobile number (registration, password reset). */
export class CodePage extends Shell {
  get code(): Locator {
    return this.main.getByLabel("短信验证码");
  }

  async expectShown(title: string) {
    await expect(this.heading(title)).toBeVisible();
    await this.waitForHydration();
  }

  async enterCode(code: string) {
    await this.code.fill(code);
  }

  async submit(label: string) {
    await this.main.getByRole("button", { name: label, exact: true }).click();
  }

  get formError(): Locator {
    return this.page.getByTestId("form-error");
  }
}

/** 我的账户 › 更换手机号 / 更正姓名, and the code that confirms either. */
export class AccountChangePage extends Shell {
  get nameField(): Locator {
    return this.main.getByLabel("更正后的姓名");
  }
  /** A button once the page runs JavaScript; a link to the picker page without. */
  get rareCharButton(): Locator {
    return this.main.getByRole(this.jsEnabled ? "button" : "link", { name: "生僻字输入" });
  }

  async openFromAccount(link: "更换手机号" | "更正姓名") {
    await this.goto("/account");
    await this.main.getByRole("link", { name: link }).click();
    await expect(this.heading(link)).toBeVisible();
    await this.waitForHydration();
  }

  async requestMobileChange(currentPassword: string, mobile: string) {
    await this.main.getByLabel("当前密码").fill(currentPassword);
    await this.main.getByLabel("新手机号码").fill(mobile);
    await this.main.getByRole("button", { name: "获取验证码" }).click();
  }

  async requestNameCorrection(currentPassword: string) {
    await this.main.getByLabel("当前密码").fill(currentPassword);
    await this.main.getByRole("button", { name: "获取验证码" }).click();
  }

  /** The code the outbox holds for `mobile`, then [确认]. */
  async confirmWithCodeTo(mobile: string) {
    const confirm = new CodePage(this.page, this.jsEnabled);
    await confirm.expectShown("确认账户变更");
    await confirm.enterCode(codeSentTo(mobile));
    await confirm.submit("确认");
  }
}

/** 忘记密码 */
export class ForgotPasswordPage extends Shell {
  async request(idNumber: string, mobile: string) {
    await expect(this.heading("忘记密码")).toBeVisible();
    await this.waitForHydration();
    await this.main.getByLabel("证件号码").fill(idNumber);
    await this.main.getByLabel("手机号码").fill(mobile);
    await this.main.getByRole("button", { name: "获取验证码" }).click();
  }

  /** The code from the outbox and a new password, then [重设密码]. */
  async reset(mobile: string, password: string) {
    const reset = new CodePage(this.page, this.jsEnabled);
    await reset.expectShown("重设密码");
    await reset.enterCode(codeSentTo(mobile));
    await this.main.getByLabel("新密码", { exact: true }).fill(password);
    await this.main.getByLabel("确认密码").fill(password);
    await reset.submit("重设密码");
  }
}

/** 登录 */
export class LoginPage extends Shell {
  async open(next?: string) {
    await this.goto(next ? `/login?next=${encodeURIComponent(next)}` : "/login");
  }

  async logIn(idNumber: string, password: string) {
    await this.main.getByLabel("证件号码").fill(idNumber);
    await this.main.getByLabel("密码", { exact: true }).fill(password);
    await this.main.getByRole("button", { name: "登录" }).click();
  }

  get formError(): Locator {
    return this.page.getByTestId("form-error");
  }

  get forgotPassword(): Locator {
    return this.main.getByRole("link", { name: "忘记密码？" });
  }
}

/** 服务须知 */
export class TermsPage extends Shell {
  async expectShown() {
    await expect(this.page).toHaveURL(/\/terms/);
    await expect(this.heading("服务须知")).toBeVisible();
    await this.waitForHydration();
  }

  async agree() {
    await this.main.getByRole("button", { name: "同意", exact: true }).click();
  }
}

/** The header's account controls. */
export async function logOut(page: Page) {
  await page.getByRole("navigation").getByRole("button", { name: "退出登录" }).click();
  await expect(page.getByRole("navigation").getByRole("link", { name: "登录" })).toBeVisible();
}

/** Logs in (accepting the terms if this holder has not yet) and lands on `next`. */
export async function logInAs(
  page: Page,
  jsEnabled: boolean,
  holder: { idNumber: string; password: string },
  next = "/certificates",
) {
  const login = new LoginPage(page, jsEnabled);
  await login.open(next);
  await login.logIn(holder.idNumber, holder.password);
  await page.waitForURL((url) => url.pathname === next || url.pathname === "/terms");
  if (new URL(page.url()).pathname === "/terms") {
    const terms = new TermsPage(page, jsEnabled);
    await terms.waitForHydration();
    await terms.agree();
    await page.waitForURL((url) => url.pathname === next);
  }
  await login.waitForHydration();
}

import { expect, Page, Locator } from "@playwright/test";
import { Shell } from "./shell";

export type Registration = {
  idNumber: string;
  name: string;
  mobile?: string;
  password: string;
};

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
  get rareCharButton(): Locator {
    return this.main.getByRole("link", { name: "生僻字输入" });
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

  async fill(r: Registration) {
    await this.idNumber.fill(r.idNumber);
    await this.name.fill(r.name);
    await this.mobile.fill(r.mobile ?? "13912345678");
    await this.password.fill(r.password);
    await this.password2.fill(r.password);
  }

  /** Opens the picker, searches `pinyin` and taps the candidate `ch`. */
  async pickRareCharacter(pinyin: string, ch: string) {
    await this.rareCharButton.click();
    await expect(this.picker).toBeVisible();
    await this.picker.getByLabel("拼音").fill(pinyin);
    const candidate = this.picker.getByRole("button", { name: new RegExp(`^${ch} `) });
    await expect(candidate).toBeVisible();
    await candidate.click();
    await expect(this.picker).toBeHidden();
  }

  async submit() {
    await this.main.getByRole("button", { name: "注册" }).click();
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

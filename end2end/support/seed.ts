import { APIRequestContext, expect, Page } from "@playwright/test";
import { RegisterPage, TermsPage } from "../pages/accounts";
import { PASSWORD, uniqueResidentId } from "./ids";

/** A freshly registered holder (terms accepted) with one post-cut-off e-certificate, seeded
 *  through the server's test controls (enabled only for the test server). */
export async function holderWithECertificate(
  page: Page,
  jsEnabled: boolean,
  name = "陈晓",
): Promise<{ idNumber: string; number: string; certificateId: string }> {
  const idNumber = uniqueResidentId();
  const number = `E2E${Date.now()}${Math.floor(Math.random() * 1000)}`.slice(0, 20);
  const certificateId = await seedCertificate(page.request, {
    number,
    idNumber,
    name,
    issuedOn: "2024-05-20",
  });
  const register = new RegisterPage(page, jsEnabled);
  await register.open();
  await register.fill({ idNumber, name, password: PASSWORD });
  await register.submit();
  await register.confirmWithCode();
  const terms = new TermsPage(page, jsEnabled);
  await terms.expectShown();
  await terms.agree();
  await page.waitForURL(/\/certificates$/);
  return { idNumber, number, certificateId };
}

export async function seedCertificate(
  request: APIRequestContext,
  c: { number: string; idNumber: string; name: string; issuedOn: string },
): Promise<string> {
  const response = await request.post("/__test/certificates", {
    headers: { origin: new URL(process.env.PORTAL_E2E_BASE ?? "http://127.0.0.1").origin },
    data: {
      number: c.number,
      id_type: "resident",
      id_number: c.idNumber,
      name: c.name,
      qualification: "执业药师职业资格",
      level: "执业药师",
      specialty: "药学类",
      issued_on: c.issuedOn,
      issuer: "国家药品监督管理局执业药师资格认证中心",
      electronic: true,
    },
  });
  expect(response.status(), await response.text()).toBe(200);
  return (await response.json()).public_id;
}

/** Moves the test server's clock (test controls). */
export async function advanceClock(request: APIRequestContext, ms: number) {
  const response = await request.post("/__test/clock", {
    headers: { origin: new URL(process.env.PORTAL_E2E_BASE ?? "http://127.0.0.1").origin },
    data: { advance_ms: ms },
  });
  expect(response.status()).toBe(200);
}

export async function resetClock(request: APIRequestContext) {
  await request.post("/__test/clock/reset", {
    headers: { origin: new URL(process.env.PORTAL_E2E_BASE ?? "http://127.0.0.1").origin },
  });
}

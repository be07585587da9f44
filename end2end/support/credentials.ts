import { execFileSync } from "child_process";
import * as path from "path";

/** What the independent verifier (`vc/verify-credential.mjs`) says of a credential file. */
export type VerifierAnswer = { verified: boolean; revoked: boolean | null; errors: string[] };

/**
 * Verifies the credential in `file` with Digital Bazaar's libraries (`@digitalbazaar/vc`,
 * data-integrity with eddsa-rdfc-2022, vc-bitstring-status-list): contexts from their npm
 * packages, the issuer's did:web and status list from the test server. `now` checks it as of
 * another moment.
 */
export function verifyCredential(file: string, now?: Date): VerifierAnswer {
  const root = path.resolve(__dirname, "..");
  const args = [path.join(root, "vc", "verify-credential.mjs"), file];
  if (now) args.push("--now", now.toISOString());
  const out = execFileSync("node", args, { cwd: root, timeout: 30_000 }).toString().trim();
  return JSON.parse(out.split("\n").pop()!);
}

/** Runs `server <args>` on the test server's database, as the operator would. */
export function operatorCommand(args: string[]): string {
  const root = path.resolve(__dirname, "../..");
  return execFileSync(`${root}/target/release/server`, args, {
    env: {
      ...process.env,
      DATABASE_URL: "",
      PORTAL_DATA_DIR: process.env.PORTAL_E2E_DATA ?? "",
      PORTAL_LOG: "warn",
      PORTAL_OPERATOR: "e2e",
    },
  }).toString();
}

/** The text of the QR code in the image `file`, as a phone's camera reads it (zbarimg). */
export function readQrCode(file: string): string {
  return execFileSync("zbarimg", ["--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", file], { timeout: 30_000 })
    .toString()
    .trim();
}

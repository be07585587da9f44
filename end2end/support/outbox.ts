import { execFileSync } from "child_process";
import * as path from "path";

/** The code last sent to `mobile`, read from the test server's development outbox with the
 *  operator command (`server outbox`), as an operator of a demo instance would. */
export function codeSentTo(mobile: string): string {
  const root = path.resolve(__dirname, "../..");
  return execFileSync(
    `${root}/target/release/server`,
    ["outbox", "--code-only", "--mobile", mobile, "--data-dir", process.env.PORTAL_E2E_DATA ?? ""],
    { env: { ...process.env, DATABASE_URL: "", PORTAL_LOG: "warn" } },
  )
    .toString()
    .trim();
}

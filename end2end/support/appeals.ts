import { execFileSync } from "child_process";
import * as path from "path";

/** Runs `server appeals …` on the test server's database, as the operator would. */
export function appealsCommand(args: string[]): string {
  const root = path.resolve(__dirname, "../..");
  return execFileSync(
    `${root}/target/release/server`,
    ["appeals", ...args, "--data-dir", process.env.PORTAL_E2E_DATA ?? ""],
    { env: { ...process.env, DATABASE_URL: "", PORTAL_LOG: "warn", PORTAL_OPERATOR: "e2e" } },
  ).toString();
}

/** The operator's N of the pending appeal filed under `appealNumber` (from `appeals list`). */
export function pendingAppealN(appealNumber: string): string {
  const line = appealsCommand(["list", "--state", "pending"])
    .split("\n")
    .find((l) => l.includes(appealNumber));
  if (!line) throw new Error(`appeal ${appealNumber} is not pending`);
  return line.trim().split(/\s+/)[0];
}

/** Approves the appeal filed under `appealNumber` (`server appeals approve N`). */
export function approveAppeal(appealNumber: string, note = "证件核对一致"): string {
  return appealsCommand(["approve", pendingAppealN(appealNumber), "--note", note]);
}

/** Rejects it with a reason the appellant sees (`server appeals reject N --reason …`). */
export function rejectAppeal(appealNumber: string, reason: string): string {
  return appealsCommand(["reject", pendingAppealN(appealNumber), "--reason", reason]);
}

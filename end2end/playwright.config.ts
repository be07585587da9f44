import { defineConfig, devices } from "@playwright/test";
import { execSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const root = path.resolve(__dirname, "..");

// One release server per run, on a free port and a fresh data directory. The runner decides
// them once; the workers it starts inherit them through the environment.
if (!process.env.PORTAL_E2E_PORT) {
  process.env.PORTAL_E2E_PORT = execSync(
    `node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"`,
  )
    .toString()
    .trim();
  process.env.PORTAL_E2E_DATA = fs.mkdtempSync(path.join(os.tmpdir(), "portal-e2e-"));
}
const port = process.env.PORTAL_E2E_PORT;
const baseURL = `http://127.0.0.1:${port}`;
process.env.PORTAL_E2E_BASE = baseURL;

// Debian's Chromium; Playwright's own browser download is not reachable from here.
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
  ],
};

export default defineConfig({
  testDir: "./tests",
  // The longest stories (an appeal with its approval, without JavaScript) audit a dozen page
  // states with axe on the way; 30 s left no room on a busy machine.
  timeout: 60_000,
  expect: { timeout: 7_000 },
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: chromium,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
  },
  projects: [
    {
      name: "desktop",
      testIgnore: [/\.nojs\.spec\.ts$/, /\.clock\.spec\.ts$/],
      use: { ...devices["Desktop Chrome"], launchOptions: chromium },
    },
    {
      name: "mobile",
      testIgnore: [/\.nojs\.spec\.ts$/, /\.clock\.spec\.ts$/],
      // Narrower than the narrowest phones in use (360 CSS px): every page must fit 320 px.
      // Touch, high density.
      use: {
        ...devices["Pixel 7"],
        viewport: { width: 320, height: 780 },
        launchOptions: chromium,
      },
    },
    {
      name: "nojs",
      testIgnore: [/\.hydrate\.spec\.ts$/, /\.clock\.spec\.ts$/],
      use: { ...devices["Desktop Chrome"], javaScriptEnabled: false, launchOptions: chromium },
    },
    // Tests that move the server's clock run alone, after everything else, so that they
    // cannot expire the sessions of tests running beside them; one at a time, for the same
    // reason (one spec's day forward would expire another's session).
    {
      name: "clock",
      testMatch: /\.clock\.spec\.ts$/,
      dependencies: ["desktop", "mobile", "nojs"],
      fullyParallel: false,
      workers: 1,
      use: { ...devices["Desktop Chrome"], launchOptions: chromium },
    },
    {
      name: "clock-nojs",
      testMatch: /\.clock\.spec\.ts$/,
      dependencies: ["clock"],
      workers: 1,
      use: { ...devices["Desktop Chrome"], javaScriptEnabled: false, launchOptions: chromium },
    },
  ],
  webServer: {
    command:
      `"${root}/target/release/server" serve --listen 127.0.0.1:${port} ` +
      `--data-dir "${process.env.PORTAL_E2E_DATA}" --demo-data --enable-test-controls ` +
      // Slow enough that the tests can watch [证书生成中…] turn into a ready copy.
      `--test-production-delay-ms 1200`,
    url: `${baseURL}/healthz`,
    env: {
      LEPTOS_SITE_ROOT: `${root}/target/site`,
      PORTAL_LOG: "warn",
      DATABASE_URL: "",
    },
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "ignore",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
  },
});

// What the browser half costs, for bench/report.md ("The browser half"): the weight of every
// page that has islands (its HTML, which islands it wakes, the shared script and wasm), and
// the time to interactive of the annotation application page on an emulated mid-range phone
// over slow 4G: the Moto G4 of Playwright's device list, Lighthouse's mobile throttling (150 ms
// round trip, 1.6 Mbit/s down, 750 kbit/s up, CPU 4× slower) through the DevTools protocol,
// and an empty cache on every run.
//
// "Interactive" is the moment the page marks <body data-hydrated>: the browser half has
// started and the page's interactive parts answer. Also reported: the load event, and the
// bytes of JavaScript and WebAssembly the page fetched (as sent, compressed).
//
// Usage: node browser.mjs BASE_URL RUNS   (a server with --demo-data must answer at BASE_URL)
// Prints one JSON object.
import { chromium, devices } from "@playwright/test";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const base = process.argv[2];
const runs = Number(process.argv[3] ?? 5);
const holder = { idNumber: "110105198001010016", password: "Demo2026zw" };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic"],
});
const context = await browser.newContext({
  ...devices["Moto G4"],
  locale: "zh-CN",
  timezoneId: "Asia/Shanghai",
  baseURL: base,
});
const page = await context.newPage();

// Log in (unthrottled) and find the first certificate that takes annotations.
await page.goto("/login?next=/certificates");
await page.getByLabel("证件号码").fill(holder.idNumber);
await page.getByLabel("密码", { exact: true }).fill(holder.password);
await page.getByRole("button", { name: "登录" }).click();
await page.waitForURL((url) => url.pathname === "/certificates" || url.pathname === "/terms");
if (new URL(page.url()).pathname === "/terms") {
  await page.getByRole("button", { name: "同意", exact: true }).click();
  await page.waitForURL((url) => url.pathname === "/certificates");
}
let target = null;
for (const href of await page.locator("a[href^='/certificates/']").evaluateAll((as) =>
  [...new Set(as.map((a) => a.getAttribute("href")))],
)) {
  const id = href.split("/")[2];
  const response = await page.goto(`/certificates/${id}/annotate`);
  if (response.ok() && (await page.getByRole("button", { name: "提交加注申请" }).count()) > 0) {
    target = `/certificates/${id}/annotate`;
    break;
  }
}
if (!target) throw new Error("no certificate of the demo holder takes an annotation");
const certificate = target.split("/")[2];

// The weight of each page with islands: its HTML as sent, and the islands it names.
const sizes = (bytes) => ({
  raw: bytes.length,
  gzip: gzipSync(bytes, { level: 9 }).length,
  brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
});
const pages = {};
for (const path of [
  "/login",
  "/register",
  "/password/forgot",
  "/appeal",
  "/account/name",
  target,
  `/certificates/${certificate}/download`,
]) {
  const response = await page.request.get(path);
  const html = await response.body();
  const islands = [...html.toString().matchAll(/<leptos-island data-component="([A-Za-z]+)_/g)].map(
    (m) => m[1],
  );
  pages[path.replace(certificate, "{id}")] = { status: response.status(), html: sizes(html), islands: [...new Set(islands)] };
}
// The files every page with islands loads: the loader script and the wasm (named in hash.txt).
const shell = (await (await page.request.get("/login")).text());
const files = {};
for (const [kind, pattern] of [["js", /\/pkg\/[^"]+\.js/], ["wasm", /\/pkg\/[^"]+\.wasm/]]) {
  const path = shell.match(pattern)[0];
  files[kind] = sizes(await (await page.request.get(path)).body());
}

const cdp = await context.newCDPSession(page);
await cdp.send("Network.enable");
await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
await cdp.send("Network.emulateNetworkConditions", {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6 * 1024 * 1024) / 8,
  uploadThroughput: (750 * 1024) / 8,
});
await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });

const bytes = new Map();
cdp.on("Network.loadingFinished", (e) => bytes.set(e.requestId, e.encodedDataLength));
const kinds = new Map();
cdp.on("Network.responseReceived", (e) => kinds.set(e.requestId, e.type));

const results = [];
for (let i = 0; i < runs; i++) {
  bytes.clear();
  kinds.clear();
  await page.goto("about:blank");
  const started = Date.now();
  await page.goto(target, { waitUntil: "load" });
  const load = Date.now() - started;
  await page.waitForSelector("body[data-hydrated=true]", { timeout: 120_000 });
  const interactive = Date.now() - started;
  let script = 0;
  for (const [id, n] of bytes) {
    if (["Script", "Fetch", "XHR", "Other"].includes(kinds.get(id))) script += n;
  }
  results.push({ load, interactive, script });
}
await browser.close();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  JSON.stringify({
    pages,
    files,
    page: target.replace(certificate, "{id}"),
    runs,
    load_ms: median(results.map((r) => r.load)),
    interactive_ms: median(results.map((r) => r.interactive)),
    script_bytes: median(results.map((r) => r.script)),
    all: results,
  }),
);

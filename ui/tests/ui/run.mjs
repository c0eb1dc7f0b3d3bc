// Browser tests of the real UI against the mocked backend (vite --mode mock), in Debian's
// Chromium through playwright-core (no browser download). Prints `N passed, M failed`.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { tests } from "./screens.mjs";

const ui = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const artifacts = process.env.SLIPWAY_UI_ARTIFACTS ?? join(ui, "..", "artifacts", "ui");
mkdirSync(artifacts, { recursive: true });

const port = await new Promise((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});

// SLIPWAY_UI_BUILD=1 (scripts/bench): a production build of the mock mode served by `vite preview`,
// so timings are of what ships (Svelte's dev mode checks and metadata cost several times more).
const viteBin = join(ui, "node_modules", ".bin", "vite");
let serveArgs = ["--mode", "mock"];
if (process.env.SLIPWAY_UI_BUILD === "1") {
  const outDir = mkdtempSync(join(tmpdir(), "slipway-ui-build-"));
  const built = spawnSync(viteBin, ["build", "--mode", "mock", "--outDir", outDir, "--emptyOutDir"], { cwd: ui, encoding: "utf8" });
  if (built.status !== 0) {
    console.error(built.stdout, built.stderr);
    throw new Error("vite build --mode mock failed");
  }
  serveArgs = ["preview", "--outDir", outDir];
}
const vite = spawn(viteBin, [...serveArgs, "--host", "127.0.0.1", "--port", String(port), "--strictPort"], {
  cwd: ui,
  stdio: ["ignore", "pipe", "pipe"],
});
let viteLog = "";
vite.stdout.on("data", (d) => (viteLog += d));
vite.stderr.on("data", (d) => (viteLog += d));
const base = `http://127.0.0.1:${port}`;
const deadline = Date.now() + 30000;
while (true) {
  try {
    if ((await fetch(base)).ok) break;
  } catch {
    /* not up yet */
  }
  if (Date.now() > deadline) {
    console.error(viteLog);
    throw new Error("vite did not start within 30 s");
  }
  await new Promise((r) => setTimeout(r, 200));
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

// The app's CSP (tauri.conf.json), plus the dev server's websocket for vite's client.
const csp = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  `connect-src 'self' ws://127.0.0.1:${port}`,
  "object-src 'none'",
  "base-uri 'none'",
].join("; ");

let passed = 0;
let failed = 0;
const only = process.argv[2];
for (const t of tests.filter((t) => !only || t.name.includes(only))) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: t.colorScheme ?? "light", locale: t.locale ?? "en-US" });
  // Nothing may leave the machine, and the page runs under the strict CSP.
  const outside = [];
  await context.route("**/*", async (route) => {
    const url = new URL(route.request().url());
    if (url.hostname !== "127.0.0.1") {
      outside.push(url.href);
      return route.abort();
    }
    if (route.request().resourceType() === "document") {
      const response = await route.fetch();
      return route.fulfill({ response, headers: { ...response.headers(), "content-security-policy": csp } });
    }
    return route.continue();
  });
  await context.addInitScript(() => {
    // What Tauri's `freezePrototype: true` does before any app code runs.
    Object.freeze(Object.prototype);
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  const started = Date.now();
  try {
    await page.goto(`${base}/${t.query ?? ""}`);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 15000 });
    await t.run(page, { shot: (name, options = {}) => page.screenshot({ path: join(artifacts, `${name}.png`), ...options }) });
    if (errors.length) throw new Error(`uncaught errors in the page: ${errors.join("; ")}`);
    const violations = await page.evaluate(() => window.__csp);
    if (violations.length) throw new Error(`CSP violations: ${violations.join("; ")}`);
    if (outside.length) throw new Error(`requests off the machine: ${outside.join(", ")}`);
    passed += 1;
    console.log(`ok   ${t.name} (${Date.now() - started} ms)`);
  } catch (e) {
    failed += 1;
    console.log(`FAIL ${t.name}\n     ${String(e.message ?? e).split("\n").join("\n     ")}`);
    await page.screenshot({ path: join(artifacts, `failed-${t.name.replace(/\W+/g, "-")}.png`) }).catch(() => {});
  }
  await context.close();
}

await browser.close();
vite.kill();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);

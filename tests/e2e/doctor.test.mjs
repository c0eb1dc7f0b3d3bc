// End to end: the real app binary under Xvfb, driven by tauri-driver + WebKitWebDriver, against
// the practice stack. Opens the app, switches to Vietnamese, runs the Doctor and expects every
// check to pass. Run by scripts/e2e (which starts Xvfb, dbus and tauri-driver).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Session } from "./webdriver.mjs";

const driver = process.env.SLIPWAY_WEBDRIVER_URL ?? "http://127.0.0.1:4444";
const app = process.env.SLIPWAY_APP_BINARY;
const artifacts = process.env.SLIPWAY_ARTIFACTS ?? "artifacts/e2e";
const CHECKS = ["docker-engine", "practice-base_image", "aws-profile", "aws-region", "aws-credentials", "practice-aws_endpoint", "practice-registry"];

test("the real app switches to Vietnamese and its Doctor is all green on the practice stack", async (t) => {
  assert.ok(app, "SLIPWAY_APP_BINARY names the built app");
  mkdirSync(artifacts, { recursive: true });
  const s = await Session.start(driver, { "tauri:options": { application: app } });
  t.after(() => s.end());
  const shot = (name) => s.screenshotTo(join(artifacts, `${name}.png`));

  await s.waitFor('body[data-ready="true"]', { timeoutMs: 30000, what: "the first screen" });
  await s.click('[data-testid="nav-settings"]');
  const select = await s.waitFor('[data-testid="settings-language"]');
  await s.cmd("POST", `/element/${select}/click`, {});
  await s.click('[data-testid="settings-language"] option[value="vi"]');
  // Some WebDriver builds do not fire `change` for a clicked <option>; make sure it happened.
  await s.exec(
    `const el = document.querySelector('[data-testid="settings-language"]');
     if (el.value !== 'vi') { el.value = 'vi'; el.dispatchEvent(new Event('change', { bubbles: true })); }`,
  );
  const deadline = Date.now() + 10000;
  let lang = "";
  while (Date.now() < deadline && lang !== "vi") {
    lang = await s.exec("return document.documentElement.lang");
  }
  assert.equal(lang, "vi", "the page language follows the switch");
  const doctorLabel = await s.text('[data-testid="nav-doctor"]');
  assert.doesNotMatch(doctorLabel, /^Doctor$/, "the sidebar is translated");

  await s.click('[data-testid="nav-doctor"]');
  await s.click('[data-testid="doctor-run"]');
  const summary = await s.waitFor('[data-testid="doctor-summary"][data-ok]', { timeoutMs: 60000, what: "the doctor's summary" });
  shot("doctor-vi");
  for (const id of CHECKS) {
    const row = await s.waitFor(`[data-testid="check-${id}"]`);
    const status = await s.attr(row, "data-status");
    assert.equal(status, "ok", `check ${id} is ${status}`);
  }
  assert.equal(await s.attr(summary, "data-ok"), "true");
  const badge = await s.waitFor('[data-testid="practice-badge"]');
  assert.ok(badge, "the Practice badge is shown");
});

// The capability at work in the real app: the main window may call Slipway's commands and the
// folder picker, and nothing else. Commands of registered plugins that were not granted (the
// save dialog, desktop notifications from the page) are refused by Tauri's ACL at runtime.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Session } from "./webdriver.mjs";

const driver = process.env.SLIPWAY_WEBDRIVER_URL ?? "http://127.0.0.1:4444";
const app = process.env.SLIPWAY_APP_BINARY;

/** Invokes `cmd` from the page and returns {ok, value | error}. */
async function invoke(s, cmd, args) {
  await s.exec(
    `window.__acl = null;
     window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1]).then(
       (v) => { window.__acl = { ok: true, value: JSON.stringify(v ?? null).slice(0, 200) }; },
       (e) => { window.__acl = { ok: false, error: String(e?.message ?? e) }; });
     return true;`,
    [cmd, args],
  );
  const r = await s.until(`return window.__acl && JSON.stringify(window.__acl)`, { what: `the answer to ${cmd}` });
  return JSON.parse(r);
}

test("commands the capability does not grant are refused at runtime; granted ones answer", async (t) => {
  assert.ok(app, "SLIPWAY_APP_BINARY names the built app");
  const s = await Session.start(driver, { "tauri:options": { application: app } });
  t.after(() => s.end());
  await s.waitFor('body[data-ready="true"]', { timeoutMs: 30000, what: "the first screen" });

  const granted = await invoke(s, "app_info", {});
  assert.equal(granted.ok, true, `app_info is granted: ${JSON.stringify(granted)}`);

  for (const cmd of ["plugin:dialog|save", "plugin:notification|notify"]) {
    const r = await invoke(s, cmd, { options: {} });
    assert.equal(r.ok, false, `${cmd} must be refused: ${JSON.stringify(r)}`);
    assert.match(r.error, /not allowed/i, `${cmd} is refused by the ACL: ${r.error}`);
  }
  // A command that does not exist at all is refused too (not silently ignored).
  const unknown = await invoke(s, "delete_everything", {});
  assert.equal(unknown.ok, false, JSON.stringify(unknown));
});

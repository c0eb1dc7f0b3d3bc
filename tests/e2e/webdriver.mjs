import { execFileSync } from "node:child_process";

// A minimal W3C WebDriver client over fetch: enough to drive the real app through
// tauri-driver without pulling a WebDriver library (and its browser downloads) in.

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

/** WebDriver's codes for special keys. */
export const KEY = { CONTROL: "\uE009", SHIFT: "\uE008", HOME: "\uE011", END: "\uE010", ENTER: "\uE007", ESCAPE: "\uE00C" };
const MODIFIERS = new Set([KEY.CONTROL, KEY.SHIFT, "\uE00A", "\uE03D"]);

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  static async start(base, capabilities, timeoutMs = 60000) {
    const res = await call(base, "POST", "/session", { capabilities: { alwaysMatch: capabilities } }, timeoutMs);
    return new Session(base, res.sessionId);
  }

  async cmd(method, path, body) {
    return call(this.base, method, `/session/${this.id}${path}`, body);
  }

  async find(css) {
    const el = elementId(await this.cmd("POST", "/element", { using: "css selector", value: css }));
    if (!el) throw new Error(`no element id in the answer for ${css}`);
    return el;
  }

  async findAll(css) {
    const els = await this.cmd("POST", "/elements", { using: "css selector", value: css });
    return els.map(elementId);
  }

  async waitFor(css, { timeoutMs = 20000, what = css } = {}) {
    const deadline = Date.now() + timeoutMs;
    let last;
    while (Date.now() < deadline) {
      try {
        return await this.find(css);
      } catch (e) {
        last = e;
      }
      await sleep(200);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${last?.message ?? ""}`);
  }

  async click(css) {
    const el = await this.waitFor(css);
    await this.cmd("POST", `/element/${el}/click`, {});
  }

  /** Clicks `css` once it is enabled (a button a screen disables while it loads ignores clicks). */
  async clickWhenEnabled(css, { timeoutMs = 30000 } = {}) {
    await this.until(
      `const el = document.querySelector(${JSON.stringify(css)}); return !!el && !el.disabled && el.getAttribute("aria-disabled") !== "true";`,
      { timeoutMs, what: `${css} enabled` },
    );
    await this.click(css);
  }

  async text(css) {
    const el = await this.waitFor(css);
    return this.cmd("GET", `/element/${el}/text`);
  }

  async attr(el, name) {
    return this.cmd("GET", `/element/${el}/attribute/${name}`);
  }

  /** Types into an input or textarea (WebDriver Element Send Keys). */
  async type(css, text) {
    const el = await this.waitFor(css);
    await this.cmd("POST", `/element/${el}/clear`, {}).catch(() => {});
    await this.cmd("POST", `/element/${el}/value`, { text });
  }

  /**
   * Presses keys through the Actions API: `chords` is a list of strings, each pressed together
   * (modifiers first), e.g. [KEY.CONTROL + KEY.HOME, KEY.SHIFT + KEY.END]; a plain string of
   * text is typed character by character.
   */
  async keys(...chords) {
    const actions = [];
    for (const chord of chords) {
      const chars = [...chord];
      const modifiers = chars.filter((c) => MODIFIERS.has(c));
      if (modifiers.length === 0) {
        for (const c of chars) actions.push({ type: "keyDown", value: c }, { type: "keyUp", value: c });
        continue;
      }
      for (const c of chars) actions.push({ type: "keyDown", value: c });
      for (const c of [...chars].reverse()) actions.push({ type: "keyUp", value: c });
    }
    await this.cmd("POST", "/actions", { actions: [{ type: "key", id: "keyboard", actions }] });
    await this.cmd("DELETE", "/actions").catch(() => {});
  }

  /** Waits until `script` (a function body returning a value) returns something truthy. */
  async until(script, { timeoutMs = 20000, what = script } = {}) {
    const deadline = Date.now() + timeoutMs;
    let last;
    let error;
    while (Date.now() < deadline) {
      try {
        last = await this.exec(script);
        error = undefined;
      } catch (e) {
        last = undefined;
        error = e;
      }
      if (last) return last;
      await sleep(250);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)}${error ? `, ${error.message}` : ""})`);
  }

  /** The text of the first element matching `css`, or null (no waiting). */
  async textOf(css) {
    return this.exec(`const e = document.querySelector(arguments[0]); return e ? e.textContent : null;`, [css]);
  }

  async scrollTo(css) {
    await this.exec(`document.querySelector(arguments[0])?.scrollIntoView({ block: "start" });`, [css]);
    await sleep(300);
  }

  async exec(script, args = []) {
    return this.cmd("POST", "/execute/sync", { script, args });
  }

  // WebKitWebDriver's own /screenshot hangs under Xvfb without compositing, so the screen is
  // captured from the X server instead (imagemagick's import).
  screenshotTo(path) {
    execFileSync("import", ["-window", "root", path], { timeout: 20000 });
  }

  async end() {
    await call(this.base, "DELETE", `/session/${this.id}`).catch(() => {});
  }
}

async function call(base, method, path, body, timeoutMs = 30000) {
  const res = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    const v = json.value ?? {};
    throw new Error(`${method} ${path}: ${res.status} ${v.error ?? ""} ${v.message ?? ""}`.trim());
  }
  return json.value;
}

// W3C drivers answer {"element-6066-…": id}; older ones {"ELEMENT": id}.
function elementId(ref) {
  return ref?.[ELEMENT] ?? ref?.ELEMENT ?? null;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

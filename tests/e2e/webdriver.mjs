// A minimal W3C WebDriver client over fetch: enough to drive the real app through
// tauri-driver without pulling a WebDriver library (and its browser downloads) in.

const ELEMENT = "element-6066-11e4-a5e7-4a4e0ead5cd8";

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
    const el = await this.cmd("POST", "/element", { using: "css selector", value: css });
    return el[ELEMENT];
  }

  async findAll(css) {
    const els = await this.cmd("POST", "/elements", { using: "css selector", value: css });
    return els.map((e) => e[ELEMENT]);
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

  async text(css) {
    const el = await this.waitFor(css);
    return this.cmd("GET", `/element/${el}/text`);
  }

  async attr(el, name) {
    return this.cmd("GET", `/element/${el}/attribute/${name}`);
  }

  async exec(script, args = []) {
    return this.cmd("POST", "/execute/sync", { script, args });
  }

  async screenshot() {
    return Buffer.from(await this.cmd("GET", "/screenshot"), "base64");
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

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

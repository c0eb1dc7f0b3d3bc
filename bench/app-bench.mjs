// The app's benchmark (issue 10, item 5), run by `scripts/bench --only app` inside a desktop
// session (scripts/lib.sh desktop_session): the real app, built for release with its .deb,
// driven by tauri-driver under Xvfb against the practice stack.
//   start   process start (the kernel's start time of the app's process) to the first screen
//           answering (the page's "slipway-ready" mark, set when the first screen is interactive)
//   memory  the whole process tree (the app and WebKit's web and network processes), RSS and
//           PSS, on the first screen and after the Monitor's health map shows a 200-task service
// Prints one JSON line: { start_ms: [...], memory: {...} }.
//   node bench/app-bench.mjs RUNS PROJECT_FOLDER
import { readFileSync, readdirSync, readlinkSync } from "node:fs";
import { Session, sleep } from "../tests/e2e/webdriver.mjs";

const [runs, project] = [Number(process.argv[2] ?? 5), process.argv[3]];
const driver = process.env.SLIPWAY_WEBDRIVER_URL;
const app = process.env.SLIPWAY_APP_BINARY;
if (!driver || !app || !project) throw new Error("usage: node bench/app-bench.mjs RUNS PROJECT (in scripts/bench's desktop session)");

const TICKS = 100; // USER_HZ: /proc's start times are in 1/100 s on Linux
const bootMs = Number(readFileSync("/proc/stat", "utf8").match(/^btime (\d+)$/m)[1]) * 1000;
const stat = (pid) => {
  const s = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = s.slice(s.lastIndexOf(")") + 2).split(" ");
  return { ppid: Number(f[1]), startMs: bootMs + (Number(f[19]) * 1000) / TICKS };
};
const pids = () => readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map(Number);
/** The newest process running the app's binary. */
function appPid() {
  let best = null;
  for (const pid of pids()) {
    try {
      if (readlinkSync(`/proc/${pid}/exe`) !== app) continue;
      const st = stat(pid);
      if (!best || st.startMs > best.startMs) best = { pid, ...st };
    } catch {
      /* gone, or not ours to read */
    }
  }
  if (!best) throw new Error(`no process runs ${app}`);
  return best;
}
/** The app and every process under it, with RSS and PSS in kB and their names. */
function treeMemory(root) {
  const children = new Map();
  for (const pid of pids()) {
    try {
      const { ppid } = stat(pid);
      children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    } catch {
      /* gone */
    }
  }
  const out = [];
  const walk = (pid) => {
    try {
      const roll = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
      const kb = (k) => Number(roll.match(new RegExp(`^${k}:\\s+(\\d+) kB`, "m"))?.[1] ?? 0);
      out.push({ pid, name: readFileSync(`/proc/${pid}/comm`, "utf8").trim(), rss_kb: kb("Rss"), pss_kb: kb("Pss") });
    } catch {
      /* gone */
    }
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(root);
  return { processes: out, rss_kb: out.reduce((a, p) => a + p.rss_kb, 0), pss_kb: out.reduce((a, p) => a + p.pss_kb, 0) };
}

const readyAt = (s) => s.exec(`const m = performance.getEntriesByName("slipway-ready")[0]; return m ? performance.timeOrigin + m.startTime : null;`);

// Cold starts: a new app process each run (one warm-up, not counted).
const startMs = [];
for (let r = 0; r <= runs; r++) {
  const s = await Session.start(driver, { "tauri:options": { application: app } });
  try {
    await s.waitFor('body[data-ready="true"]', { timeoutMs: 60000, what: "the first screen" });
    const ready = await readyAt(s);
    if (ready === null) throw new Error("the page has no slipway-ready mark");
    const ms = ready - appPid().startMs;
    if (!(ms > 0 && ms < 60000)) throw new Error(`start time out of range: ${ms} ms`);
    if (r > 0) startMs.push(Math.round(ms));
  } finally {
    await s.end();
  }
  await sleep(500);
}

// Memory: the first screen, then the Monitor with the 200-task service.
const s = await Session.start(driver, { "tauri:options": { application: app } });
let memory;
try {
  await s.waitFor('body[data-ready="true"]', { timeoutMs: 60000, what: "the first screen" });
  await sleep(3000);
  const { pid } = appPid();
  const first = treeMemory(pid);
  await s.click('[data-testid="project-button"]');
  await s.type('[data-testid="open-path"]', project);
  await s.click('[data-testid="open-path-submit"]');
  await s.click('[data-testid="nav-monitor"]');
  await s.waitFor('[data-testid="monitor-screen"]', { what: "the Monitor step" });
  await s.until(`return Number(document.querySelector('[data-testid="service-tasks"]')?.dataset.running ?? 0) >= 200`, { timeoutMs: 180000, what: "200 running tasks on the Monitor" });
  await s.waitFor('[data-testid="health-map"] [data-testid="health-node-more"]', { timeoutMs: 60000, what: "the health map with its +N more" });
  const drawn = await s.exec(`return document.querySelectorAll('[data-testid="health-node-task"]').length;`);
  await sleep(10000); // a few looks at the service
  const monitor = treeMemory(pid);
  await s.screenshotTo(`${process.env.DESKTOP_ARTIFACTS}/app-bench-monitor.png`);
  memory = { first, monitor, task_nodes_drawn: drawn };
} finally {
  await s.end();
}
console.log(JSON.stringify({ start_ms: startMs, memory }));

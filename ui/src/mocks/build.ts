// The mock's Docker engine: builds that stream their steps (with a cache hit, a long pip
// install, context upload progress), can be cancelled or fail, layers for the chart, and a
// local run whose smoke test passes or fails by scenario.
import type { Channel } from "@tauri-apps/api/core";
import type { BuildEvent, BuildForm, BuiltImage, ContextSummary, ImageReport, Layer, LocalContainer, RunEvent } from "../lib/bindings";
import { instructions, type MockProject } from "./project";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends on a channel with the ordering index Tauri's Channel expects. */
function sender<T>(channel: Channel<T>): (message: T) => void {
  let index = 0;
  return (message) => window.__TAURI_INTERNALS__.runCallback(channel.id, { index: index++, message });
}

const cancelled = new Set<string>();
const cancelledError = (what: string) => ({ code: "cancelled", message: `The ${what} was cancelled.`, hint: "" });

export function cancelOperation(operation: string): boolean {
  cancelled.add(operation);
  return true;
}

/** The context is large until the project has a .dockerignore that leaves .venv and .git out. */
export function contextSummary(p: MockProject): ContextSummary {
  if (!(".dockerignore" in p.files)) {
    return {
      files: 6512,
      bytes: 268_400_000,
      biggest: [
        { folder: ".venv", files: 5890, bytes: 214_700_000 },
        { folder: ".git", files: 531, bytes: 51_200_000 },
        { folder: "static", files: 12, bytes: 1_210_000 },
        { folder: ".", files: 62, bytes: 1_070_000 },
        { folder: "templates", files: 17, bytes: 220_000 },
      ],
      large: true,
      suggested_ignores: [".venv/", ".git/"],
    };
  }
  return {
    files: 91,
    bytes: 2_500_000,
    biggest: [
      { folder: "static", files: 12, bytes: 1_210_000 },
      { folder: ".", files: 62, bytes: 1_070_000 },
      { folder: "templates", files: 17, bytes: 220_000 },
    ],
    large: false,
    suggested_ignores: [],
  };
}

const PIP_OK = [
  "Collecting Flask==3.0.3 (from -r requirements.txt (line 1))",
  "  Downloading flask-3.0.3-py3-none-any.whl.metadata (3.2 kB)",
  "Collecting gunicorn==22.0.0 (from -r requirements.txt (line 2))",
  "  Downloading gunicorn-22.0.0-py3-none-any.whl.metadata (4.4 kB)",
  "Collecting psycopg2-binary==2.9.9 (from -r requirements.txt (line 3))",
  "  Downloading psycopg2_binary-2.9.9-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl.metadata (4.4 kB)",
  "Collecting Werkzeug>=3.0.0 (from Flask==3.0.3->-r requirements.txt (line 1))",
  "  Downloading werkzeug-3.0.4-py3-none-any.whl.metadata (3.7 kB)",
  "Collecting Jinja2>=3.1.2 (from Flask==3.0.3->-r requirements.txt (line 1))",
  "  Downloading jinja2-3.1.4-py3-none-any.whl.metadata (2.6 kB)",
  "Collecting itsdangerous>=2.1.2 (from Flask==3.0.3->-r requirements.txt (line 1))",
  "Collecting click>=8.1.3 (from Flask==3.0.3->-r requirements.txt (line 1))",
  "Collecting blinker>=1.6.2 (from Flask==3.0.3->-r requirements.txt (line 1))",
  "Collecting packaging (from gunicorn==22.0.0->-r requirements.txt (line 2))",
  "Collecting MarkupSafe>=2.0 (from Jinja2>=3.1.2->Flask==3.0.3->-r requirements.txt (line 1))",
  "Downloading flask-3.0.3-py3-none-any.whl (101 kB)",
  "Downloading gunicorn-22.0.0-py3-none-any.whl (84 kB)",
  "Downloading psycopg2_binary-2.9.9-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl (3.0 MB)",
  "   ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━ 3.0/3.0 MB 11.2 MB/s eta 0:00:00",
  "Installing collected packages: packaging, MarkupSafe, itsdangerous, click, blinker, Werkzeug, Jinja2, gunicorn, Flask, psycopg2-binary",
  "Successfully installed Flask-3.0.3 Jinja2-3.1.4 MarkupSafe-2.1.5 Werkzeug-3.0.4 blinker-1.8.2 click-8.1.7 gunicorn-22.0.0 itsdangerous-2.2.0 packaging-24.1 psycopg2-binary-2.9.9",
  "WARNING: Running pip as the 'root' user can result in broken permissions and conflicting behaviour with the system package manager. It is recommended to use a virtual environment instead: https://pip.pypa.io/warnings/venv",
];

const PIP_FAIL = [
  "Collecting Flask==3.0.3 (from -r requirements.txt (line 1))",
  "  Downloading flask-3.0.3-py3-none-any.whl.metadata (3.2 kB)",
  "Collecting gunicorn==22.0.0 (from -r requirements.txt (line 2))",
  "  Downloading gunicorn-22.0.0-py3-none-any.whl.metadata (4.4 kB)",
  "Collecting psycopg2==2.9.9 (from -r requirements.txt (line 3))",
  "  Downloading psycopg2-2.9.9.tar.gz (384 kB)",
  "  Preparing metadata (setup.py): started",
  "  Preparing metadata (setup.py): finished with status 'error'",
  "  error: subprocess-exited-with-error",
  "  ",
  "  × python setup.py egg_info did not run successfully.",
  "  │ exit code: 1",
  "  ╰─> [23 lines of output]",
  "      running egg_info",
  "      creating /tmp/pip-pip-egg-info-9w2hk1x3/psycopg2.egg-info",
  "      ",
  "      Error: pg_config executable not found.",
  "      ",
  "      pg_config is required to build psycopg2 from source.  Please add the directory",
  "      containing pg_config to the $PATH or specify the full executable path with the",
  "      option:",
  "      ",
  "          python setup.py build_ext --pg-config /path/to/pg_config build ...",
  "      ",
  "      If you prefer to avoid building psycopg2 from source, please install the PyPI",
  "      'psycopg2-binary' package instead.",
  "      [end of output]",
  "  ",
  "  note: This error originates from a subprocess, and is likely not a problem with pip.",
  "error: metadata-generation-failed",
  "",
  "× Encountered error while generating package metadata.",
  "╰─> See above for output.",
];

const shortHex = (seed: number) => ((seed * 2654435761) >>> 0).toString(16).padStart(8, "0") + ((seed * 40503) >>> 0).toString(16).padStart(4, "0").slice(0, 4);

let builds = 0;

/** Builds the project's Dockerfile as it is in the mock folder, streaming BuildEvents. */
export async function buildImage(p: MockProject, scenario: string, form: BuildForm, operation: string, channel: Channel<BuildEvent>): Promise<BuiltImage> {
  const send = sender(channel);
  const started = Date.now();
  const text = p.files[p.spec?.app.dockerfile ?? "Dockerfile"];
  if (text === undefined) {
    throw { code: "dockerfile_missing", message: `No Dockerfile at ${p.path}/Dockerfile.`, hint: "Generate one in step 1, or write it and save." };
  }
  const name = p.spec?.app.name ?? "app";
  builds++;
  const tags = [`${name}:latest`, `${name}:3f2a1bc${builds > 1 ? `-dirty-${builds}` : ""}`];
  const steps = instructions(text);
  const check = () => {
    if (cancelled.has(operation)) throw cancelledError("build");
  };
  send({ kind: "plan", steps: steps.map((s) => ({ keyword: s.keyword, line: s.line })), tags, platform: form.platform });
  const ctx = contextSummary(p);
  for (const share of [0.2, 0.55, 0.85]) {
    await sleep(130);
    check();
    send({ kind: "context", files: Math.round(ctx.files * share), bytes: Math.round(ctx.bytes * share), done: false });
  }
  send({ kind: "context", files: ctx.files, bytes: ctx.bytes, done: true });
  if (ctx.large) {
    send({
      kind: "warning",
      message: `The build context is large: ${ctx.files} files, ${Math.round(ctx.bytes / 1e6)} MB. Biggest: .venv (214 MB), .git (51 MB), static (1 MB). Add to .dockerignore: ${ctx.suggested_ignores.join(", ")}.`,
    });
  }
  let cached = 0;
  const pipIndex = steps.findIndex((s) => s.keyword === "RUN" && s.text.includes("pip install"));
  for (const [i, s] of steps.entries()) {
    const index = i + 1;
    check();
    send({ kind: "step_started", index, total: steps.length, instruction: s.text, line: s.line, at_ms: Date.now() });
    // Everything before the dependency install is unchanged since the last build.
    if (!form.no_cache && i > 0 && (pipIndex < 0 || i < pipIndex)) {
      await sleep(60);
      cached++;
      send({ kind: "step_cached", index });
      send({ kind: "step_done", index, layer: shortHex(index * 7), at_ms: Date.now() });
      continue;
    }
    if (s.keyword === "FROM") {
      await sleep(150);
    } else if (i === pipIndex) {
      const failing = scenario === "build-fails";
      for (const line of failing ? PIP_FAIL : PIP_OK) {
        await sleep(failing ? 45 : 90);
        check();
        send({ kind: "log", step: index, text: line });
        // The engine dies in the middle of the first build (it crashed, or was restarted);
        // the backend says so (crates/docker DockerError::EngineLost). The next build works.
        if (scenario === "build-engine-lost" && builds === 1) {
          throw {
            code: "docker_unreachable",
            message: "The Docker engine stopped answering during the build (error reading a body from connection): it crashed or was restarted. Nothing was tagged or sent as finished.",
            hint: "Wait until the engine answers again (`docker info`), then build again: the steps that finished before it stopped are reused from the cache.",
          };
        }
      }
      if (failing) {
        const message = `The command '/bin/sh -c ${s.text.slice(4)}' returned a non-zero code: 1`;
        send({ kind: "failed", step: index, line: s.line, message });
        throw {
          code: "build_failed",
          message: `The image build failed at Dockerfile line ${s.line}: ${message}`,
          hint: "Read the step's log above the error, fix that instruction, and build again (cached steps before it are reused).",
        };
      }
    } else if (s.keyword === "COPY" || s.keyword === "RUN") {
      await sleep(260);
    } else {
      await sleep(90);
    }
    check();
    send({ kind: "step_done", index, layer: shortHex(index * 13 + builds), at_ms: Date.now() });
  }
  const platform = "linux/amd64";
  if (form.platform && form.platform !== platform) {
    send({
      kind: "warning",
      message: `You asked for ${form.platform}, but the engine produced a ${platform} image: this engine cannot build for another architecture (it needs BuildKit with QEMU emulation). Fargate would fail to start it on ${form.platform}.`,
    });
  }
  const id = `sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a0${builds % 10}`;
  const duration_ms = Date.now() - started;
  send({ kind: "built", image_id: id, tags, cached_steps: cached, total_steps: steps.length, duration_ms });
  const report = imageLayers(p);
  return { id, tags, cached_steps: cached, total_steps: steps.length, duration_ms, platform, size: report.size };
}

const BASE_LAYERS: Layer[] = [
  { instruction: "ADD file:d13afefcc2b0b02b598a3ac2598fe2187db41de1e17820e5b600a955b1429d59 in /", size: 74_800_000, from_base: true },
  { instruction: 'CMD ["bash"]', size: 0, from_base: true },
  { instruction: "ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", size: 0, from_base: true },
  { instruction: "ENV LANG=C.UTF-8", size: 0, from_base: true },
  { instruction: "RUN set -eux; apt-get update; apt-get install -y --no-install-recommends ca-certificates netbase tzdata; rm -rf /var/lib/apt/lists/*", size: 9_200_000, from_base: true },
  { instruction: "ENV PYTHON_VERSION=3.12.7", size: 0, from_base: true },
  { instruction: "RUN set -eux; savedAptMark=\"$(apt-mark showmanual)\"; apt-get update; ... ./configure --enable-optimizations ...; make -j \"$nproc\"; make install", size: 41_300_000, from_base: true },
  { instruction: "RUN set -eux; for src in idle3 pydoc3 python3 python3-config; do dst=\"$(echo \"$src\" | tr -d 3)\"; ln -svT \"$src\" \"/usr/local/bin/$dst\"; done", size: 36, from_base: true },
  { instruction: 'CMD ["python3"]', size: 0, from_base: true },
];

/** The layers of the project's image: the base image's, then one per instruction after FROM. */
export function imageLayers(p: MockProject): ImageReport {
  const text = p.files[p.spec?.app.dockerfile ?? "Dockerfile"] ?? "";
  const own: Layer[] = instructions(text)
    .filter((s) => s.keyword !== "FROM")
    .map((s) => ({
      instruction: s.text,
      size: s.keyword === "RUN" && s.text.includes("pip install") ? (s.text.includes("--no-cache-dir") ? 96_400_000 : 104_600_000) : s.text.startsWith("COPY . .") ? 1_900_000 : s.keyword === "COPY" ? 142 : 0,
      from_base: false,
    }));
  const layers = [...BASE_LAYERS, ...own];
  const name = p.spec?.app.name ?? "app";
  return { id: "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", tags: [`${name}:latest`], platform: "linux/amd64", size: layers.reduce((s, l) => s + l.size, 0), layers };
}

interface LocalRun {
  send: (e: RunEvent) => void;
  timer: ReturnType<typeof setInterval>;
}
const runs = new Map<string, LocalRun>();

function stamp(): string {
  return new Date().toISOString().replace("T", " ").replace(/\..+/, " +0000");
}

/** Starts the container, probes its health path, reports the smoke test, then streams its log. */
export async function runLocal(p: MockProject, scenario: string, image: string | null, operation: string, channel: Channel<RunEvent>): Promise<LocalContainer> {
  const send = sender(channel);
  const spec = p.spec;
  if (!spec) throw { code: "spec_invalid", message: `${p.path} has no slipway.toml yet.`, hint: "Generate it in step 1." };
  const failing = scenario === "smoke-fails";
  const url = "http://127.0.0.1:49153";
  const container: LocalContainer = { id: "c0ffee5e1f7a", name: `slipway-${spec.app.name}`, image: image ?? `${spec.app.name}:latest`, host_port: 49153, container_port: spec.app.port, url };
  const started = Date.now();
  const attempts = failing ? 6 : 5;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    await sleep(320);
    if (cancelled.has(operation)) throw cancelledError("run");
    const up = attempt >= 4;
    send({
      kind: "probe",
      attempt,
      status: up ? (failing ? 404 : 200) : null,
      error: up ? null : "connection refused (os error 111)",
    });
    if (up && !failing) break;
  }
  const response = failing
    ? { status: 404, body: '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>', latency_ms: 4, version: null }
    : { status: 200, body: '{"status":"ok"}', latency_ms: 3, version: null };
  send({ kind: "started", container });
  send({
    kind: "smoke",
    result: {
      passed: !failing,
      url: `${url}${spec.app.health_path}`,
      response,
      attempts: failing ? attempts : 4,
      elapsed_ms: Date.now() - started,
      failure: failing ? `${url}${spec.app.health_path} answered HTTP 404 instead of 2xx/3xx: the health path does not exist in the app (check app.health_path)` : null,
    },
  });
  const log = (text: string, stream = "stderr") => send({ kind: "log", line: { stream, text } });
  log(`[${stamp()}] [1] [INFO] Starting gunicorn 22.0.0`);
  log(`[${stamp()}] [1] [INFO] Listening at: http://0.0.0.0:${spec.app.port} (1)`);
  log(`[${stamp()}] [1] [INFO] Using worker: sync`);
  log(`[${stamp()}] [7] [INFO] Booting worker with pid: 7`);
  log(`[${stamp()}] [8] [INFO] Booting worker with pid: 8`);
  const access = () => log(`172.17.0.1 - - [${stamp()}] "GET ${spec.app.health_path} HTTP/1.1" ${failing ? 404 : 200} ${failing ? 207 : 15} "-" "slipway-smoke/0.1"`, "stdout");
  access();
  const timer = setInterval(access, 1500);
  runs.set(p.path, { send, timer });
  return container;
}

/** Stops the project's container; its log stream ends with a stopped event. */
export function stopLocal(p: MockProject): boolean {
  const run = runs.get(p.path);
  if (!run) return false;
  runs.delete(p.path);
  clearInterval(run.timer);
  setTimeout(() => {
    run.send({ kind: "log", line: { stream: "stderr", text: `[${stamp()}] [1] [INFO] Handling signal: term` } });
    run.send({ kind: "log", line: { stream: "stderr", text: `[${stamp()}] [1] [INFO] Shutting down: Master` } });
    run.send({ kind: "stopped", code: 0 });
  }, 150);
  return true;
}

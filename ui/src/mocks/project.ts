// The mock's project folders: files in memory, a Flask app's detection with its evidence, the
// generate plan with line diffs, and a small linter that speaks the backend's Finding shape
// (with the one-click `fix` the Rust side is adding).
import type { Detection, DiffLine, Finding, InitForm, InitPlan, ProjectSpec, ProposedFile } from "../lib/bindings";
import { mockSpec } from "./spec";
import type { Fix } from "../lib/lintfix";

export type MockFinding = Finding & { fix: Fix | null };

/** What a person's own Dockerfile for the Flask app looks like: decent, with a few classic slips. */
export const USER_DOCKERFILE = `FROM python:3.12-slim-bookworm

# Keep Python output unbuffered so logs show up at once.
ENV PYTHONDONTWRITEBYTECODE=1 \\
    PYTHONUNBUFFERED=1 \\
    PORT=5000

WORKDIR /app

# Dependencies first, so code changes do not reinstall them.
COPY requirements.txt ./

RUN pip install -r requirements.txt

COPY . .

EXPOSE 5000

HEALTHCHECK CMD curl -f http://localhost:5000/health || exit 1

CMD gunicorn --bind 0.0.0.0:5000 app:app
`;

export interface MockProject {
  path: string;
  files: Record<string, string>;
  spec: ProjectSpec | null;
}

function specText(spec: ProjectSpec): string {
  return `[app]
name = "${spec.app.name}"
path = "${spec.app.path}"
dockerfile = "${spec.app.dockerfile}"
port = ${spec.app.port}
health_path = "${spec.app.health_path}"

[image]
platform = "${spec.image.platform}"
tag_policy = "${spec.image.tag_policy}"
`;
}

function folderName(path: string): string {
  return path.split("/").filter(Boolean).pop() ?? "app";
}

/** The mock's folders: shop-api has a Dockerfile and slipway.toml; any other folder has neither. */
export function makeProject(path: string): MockProject {
  if (folderName(path) !== "shop-api") return { path, files: {}, spec: null };
  const spec: ProjectSpec = mockSpec({ name: "shop-api", path: ".", dockerfile: "Dockerfile", port: 5000, health_path: "/health" });
  return { path, files: { Dockerfile: USER_DOCKERFILE, "slipway.toml": specText(spec) }, spec };
}

export function detect(p: MockProject): Detection {
  const known = folderName(p.path) === "shop-api";
  return {
    stack: "python",
    framework: "flask",
    server: "gunicorn",
    runtime_version: "3.12",
    package_manager: "pip",
    lockfile: null,
    manifests: ["requirements.txt"],
    entry: "app:app",
    start_command: ["gunicorn", "app:app"],
    build_command: [],
    build_output: null,
    port: 5000,
    port_evidence: {
      file: "app.py",
      line: 41,
      text: 'app.run(host="0.0.0.0", port=int(os.environ.get("PORT", 5000)))',
      why: "The app reads PORT and falls back to 5000.",
    },
    port_env: "PORT",
    health_path: known ? "/health" : null,
    health_evidence: known
      ? { file: "app.py", line: 17, text: '@app.get("/health")', why: "A route that answers without touching the database: a good load balancer health check." }
      : null,
    has_dockerfile: "Dockerfile" in p.files,
    has_dockerignore: ".dockerignore" in p.files,
    evidence: [
      { file: "requirements.txt", line: 1, text: "Flask==3.0.3", why: "Flask is a dependency, so this is a Flask app." },
      { file: "requirements.txt", line: 2, text: "gunicorn==22.0.0", why: "gunicorn is installed: it serves the app in production." },
      { file: "app.py", line: 6, text: "app = Flask(__name__)", why: "The WSGI app is the variable app in app.py: app:app." },
      { file: ".python-version", line: 1, text: "3.12", why: "The project asks for Python 3.12." },
    ],
    questions: known ? [] : [{ topic: "health_path", prompt: "Which path answers 200 when the app is healthy?", suggestion: "/" }],
    warnings: ["app.py:41 runs Flask's development server (app.run): fine on your laptop, but the image uses gunicorn instead."],
  };
}

function generatedDockerfile(port: number, health: string): string {
  return `FROM python:3.12-slim-bookworm

# No .pyc files in the image, and logs reach CloudWatch as soon as they are written.
ENV PYTHONDONTWRITEBYTECODE=1 \\
    PYTHONUNBUFFERED=1 \\
    PIP_DISABLE_PIP_VERSION_CHECK=1 \\
    PORT=${port}

WORKDIR /app

# Dependencies first: this layer is rebuilt only when requirements.txt changes.
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

COPY . .

# A fixed uid that is not root; it needs no entry in /etc/passwd.
USER 10001

EXPOSE ${port}

# Any answer below 400 is healthy; urlopen raises (exit 1) on errors and 4xx/5xx.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \\
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:${port}${health}', timeout=4)"]

CMD ["gunicorn", "--bind", "0.0.0.0:${port}", "--workers", "2", "--access-logfile", "-", "app:app"]
`;
}

const DOCKERIGNORE = `# Not needed in the image: history, local environments, caches, secrets.
.git
.venv
venv/
__pycache__/
*.pyc
.pytest_cache/
.env
*.log
Dockerfile
.dockerignore
`;

/** Line diff (longest common subsequence), the shape the backend sends. */
export function lineDiff(a: string, b: string): DiffLine[] {
  const x = a.replace(/\n$/, "").split("\n");
  const y = b.replace(/\n$/, "").split("\n");
  const n = x.length;
  const m = y.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = x[i] === y[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) {
      out.push({ kind: "same", old_line: i + 1, new_line: j + 1, text: x[i]! });
      i++;
      j++;
    } else if (j < m && (i >= n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      out.push({ kind: "added", old_line: null, new_line: j + 1, text: y[j]! });
      j++;
    } else {
      out.push({ kind: "removed", old_line: i + 1, new_line: null, text: x[i]! });
      i++;
    }
  }
  return out;
}

function proposed(p: MockProject, name: string, text: string): ProposedFile {
  const current = p.files[name] ?? null;
  return { name, current, proposed: text, diff: current === null ? [] : lineDiff(current, text), overwrites: current !== null && current !== text };
}

export function planInit(p: MockProject, form: InitForm): InitPlan {
  const detection = detect(p);
  const port = form.port ?? detection.port ?? 5000;
  const health = form.health_path ?? detection.health_path ?? "/";
  const spec: ProjectSpec = {
    ...mockSpec(
      { name: form.name ?? p.spec?.app.name ?? folderName(p.path), path: ".", dockerfile: "Dockerfile", port, health_path: health },
      { ...p.spec?.image, platform: form.platform ?? p.spec?.image.platform ?? "linux/amd64" },
    ),
    aws: p.spec?.aws ?? { profile: null, region: null },
  };
  return {
    dir: p.path,
    detection,
    options: { port, health_path: health, platform: form.platform },
    files: [proposed(p, "Dockerfile", generatedDockerfile(port, health)), proposed(p, ".dockerignore", DOCKERIGNORE), proposed(p, "slipway.toml", specText(spec))],
    notes: [
      "Dependencies are installed before the code is copied, so a code change rebuilds only the last layers.",
      "The app runs as uid 10001, not root; the HEALTHCHECK uses Python's urllib because the slim image has no curl.",
      "gunicorn serves the app on 0.0.0.0 with 2 workers; Flask's own server is for development only.",
    ],
  };
}

/** Writes the plan's chosen files; refuses, like the backend, to replace a file not confirmed. */
export function writeInit(p: MockProject, form: InitForm, files: string[], overwrite: string[]): string[] {
  const plan = planInit(p, form);
  const chosen = plan.files.filter((f) => files.includes(f.name));
  const unconfirmed = chosen.find((f) => f.overwrites && !overwrite.includes(f.name));
  if (unconfirmed) {
    throw {
      code: "would_overwrite",
      message: `${unconfirmed.name} already exists with different content; nothing was written.`,
      hint: `Look at the diff first, then confirm replacing it (\`slipway init --force ${unconfirmed.name}\`), or keep yours.`,
    };
  }
  const written: string[] = [];
  for (const f of chosen) {
    if (f.current === f.proposed) continue;
    p.files[f.name] = f.proposed;
    written.push(f.name);
    if (f.name === "slipway.toml") {
      p.spec = mockSpec(
        { name: form.name ?? folderName(p.path), path: ".", dockerfile: "Dockerfile", port: plan.options.port, health_path: plan.options.health_path },
        { platform: form.platform ?? "linux/amd64" },
      );
    }
  }
  return written;
}

export function loadSpec(p: MockProject): ProjectSpec {
  if (!p.spec) {
    throw {
      code: "spec_invalid",
      message: `${p.path} has no slipway.toml yet.`,
      hint: "Run `slipway init` in the folder (or open it in Slipway's Dockerfile step) to create it.",
    };
  }
  return p.spec;
}

/** An instruction of a Dockerfile: its keyword, the line it starts on, its text (continuations joined). */
export interface Instruction {
  keyword: string;
  line: number;
  endLine: number;
  text: string;
}

export function instructions(text: string): Instruction[] {
  const lines = text.split(/\r?\n/);
  const out: Instruction[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.trim();
    if (!raw || raw.startsWith("#")) continue;
    const start = i;
    let joined = raw;
    while (joined.endsWith("\\") && i + 1 < lines.length) {
      i++;
      joined = `${joined.slice(0, -1).trimEnd()} ${lines[i]!.trim()}`;
    }
    const keyword = joined.split(/\s+/, 1)[0]!.toUpperCase();
    out.push({ keyword, line: start + 1, endLine: i + 1, text: joined });
  }
  return out;
}

const PINNED: Record<string, string> = { python: "python:3.12-slim-bookworm", node: "node:22-bookworm-slim" };

/** A few of the backend's rules, enough to try the editor, the findings panel and the fixes. */
export function lint(text: string, port: number | null): MockFinding[] {
  const found: MockFinding[] = [];
  const all = instructions(text);
  if (all.length === 0) return found;
  const lastFrom = [...all].reverse().find((i) => i.keyword === "FROM");
  const cmd = all.find((i) => i.keyword === "CMD");
  const before = (i: Instruction | undefined) => (i ? { start_line: i.line, end_line: i.line - 1 } : { start_line: text.split("\n").length + 1, end_line: text.split("\n").length });
  for (const i of all) {
    if (i.keyword === "FROM") {
      const image = i.text.split(/\s+/)[1] ?? "";
      const [name, tag] = image.split(":");
      if (tag === "latest") {
        const pinned = PINNED[name ?? ""];
        found.push({
          rule: "DL3007",
          severity: "warning",
          line: i.line,
          message: "Using latest is prone to errors if the image will ever update. Pin the version explicitly to a release tag.",
          fix: pinned ? { title: `Use ${pinned}`, edits: [{ start_line: i.line, end_line: i.endLine, replacement: i.text.replace(image, pinned) }] } : null,
        });
      } else if (!tag && image && image !== "scratch" && !image.startsWith("$")) {
        found.push({ rule: "DL3006", severity: "warning", line: i.line, message: "Always tag the version of an image explicitly: without a tag you get whatever `latest` is today.", fix: null });
      }
    }
    if (i.keyword === "RUN" && /pip3? install/.test(i.text) && !i.text.includes("--no-cache-dir")) {
      found.push({ rule: "DL3042", severity: "warning", line: i.line, message: "Avoid use of cache directory with pip. Use `pip install --no-cache-dir <package>`: the cache only makes the image bigger.", fix: null });
    }
    if ((i.keyword === "CMD" || i.keyword === "ENTRYPOINT") && !i.text.slice(i.keyword.length).trim().startsWith("[")) {
      const words = i.text.slice(i.keyword.length).trim().split(/\s+/);
      const simple = !/[|&;<>$`'"]/.test(i.text);
      found.push({
        rule: "DL3025",
        severity: "warning",
        line: i.line,
        message: "Use arguments JSON notation for CMD and ENTRYPOINT: in shell form the app is not PID 1 and misses the stop signal ECS sends.",
        fix: simple
          ? { title: "Rewrite in JSON (exec) form", edits: [{ start_line: i.line, end_line: i.endLine, replacement: `${i.keyword} ${JSON.stringify(words).replaceAll(",", ", ")}` }] }
          : null,
      });
    }
  }
  if (port !== null && !all.some((i) => i.keyword === "EXPOSE" && i.text.split(/\s+/).slice(1).some((p) => p.split("/")[0] === String(port)))) {
    found.push({
      rule: "SW1001",
      severity: "error",
      line: (cmd ?? all.at(-1)!).line,
      message: `EXPOSE does not include port ${port}, the port slipway.toml sends traffic to: the load balancer's health checks would never reach the app.`,
      fix: { title: `Add EXPOSE ${port}`, edits: [{ ...before(cmd), replacement: `EXPOSE ${port}` }] },
    });
  }
  if (lastFrom && !all.some((i) => i.keyword === "USER" && i.line > lastFrom.line)) {
    found.push({
      rule: "SW1002",
      severity: "warning",
      line: lastFrom.line,
      message: "No USER in the final stage: the app runs as root. Add a non-root user (USER 10001) before CMD.",
      fix: { title: "Add USER 10001 before CMD", edits: [{ ...before(cmd), replacement: "USER 10001" }] },
    });
  }
  return found;
}

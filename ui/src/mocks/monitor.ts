// The mock's step 6: watch_service plays a recorded sequence of looks at the service through the
// Channel (pausing while the window is hidden, like the backend), zero_downtime_check probes a
// pretend URL, service_metrics draws the last hour's CloudWatch metrics, and the scenarios pick
// the sequence:
//   monitor-rollout   a rolling update that succeeds (rev 6 drains while rev 7 becomes healthy)
//   monitor-rollback  rev 7's containers exit 1; the circuit breaker rolls back to rev 6
//   monitor-pipeline-fail  a steady service, and a pipeline whose latest run failed in Build
//   monitor-bench     200 tasks changing state every 200 ms and a 10-stage pipeline whose
//                     actions move on at every look
// Any other scenario watches a steady service. In practice mode the metrics are all missing (the
// emulator records none); ?metrics=denied makes service_metrics fail, ?metrics=no-lb answers for
// a service without a load balancer.
import type { Channel } from "@tauri-apps/api/core";
import type {
  ActionKind,
  ActionView,
  DeploymentInfo,
  Diagnosis,
  DowntimeReport,
  MetricSeries,
  Milestone,
  MonitorEvent,
  MonitorUpdate,
  NodeState,
  PipelineRun,
  ProbeSample,
  RunView,
  ServiceEvent,
  ServiceHealth,
  ServiceMetrics,
  StageView,
  TargetInfo,
  TaskInfo,
} from "../lib/bindings";
import { flushSync } from "svelte";
import { cancelled, operations, sender, sleep } from "./apply";
import type { MockProject } from "./project";

const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const OLD = 6;
const NEW = 7;

const td = (app: string, rev: number) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${app}:${rev}`;

/** A task id that looks like ECS's (32 hex digits), the same for the same revision and index. */
function taskId(rev: number, i: number): string {
  let x = (rev * 7919 + i * 104729 + 12345) >>> 0;
  let out = "";
  while (out.length < 32) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out += (x >>> 16).toString(16).padStart(4, "0");
  }
  return out.slice(0, 32);
}

const ipOf = (rev: number, i: number) => `10.0.${rev === OLD ? 1 : 2}.${10 + (i % 240)}${i >= 240 ? `${Math.floor(i / 240)}` : ""}`;

interface TaskShape {
  status: string;
  health?: string | null;
  desired?: string;
  stopped?: string | null;
  exit?: number | null;
}

function task(app: string, rev: number, i: number, s: TaskShape): TaskInfo {
  const id = taskId(rev, i);
  const stopped = s.status === "STOPPED";
  const exited = stopped && !!s.stopped && s.stopped.startsWith("Essential container");
  return {
    arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${app}/${id}`,
    id,
    last_status: s.status,
    desired_status: s.desired ?? (stopped ? "STOPPED" : "RUNNING"),
    health: s.health === undefined ? (s.status === "RUNNING" ? "HEALTHY" : "UNKNOWN") : s.health,
    availability_zone: i % 2 ? `${REGION}b` : `${REGION}a`,
    private_ip: s.status === "PROVISIONING" ? null : ipOf(rev, i),
    task_definition: td(app, rev),
    started_by: `ecs-svc/${rev}`,
    started_ms: Date.now() - (rev === OLD ? 3_600_000 : 40_000),
    stopped_ms: stopped ? Date.now() - 2_000 : null,
    stopped_reason: s.stopped ?? null,
    stop_code: stopped ? (exited ? "EssentialContainerExited" : "ServiceSchedulerInitiated") : null,
    containers: [
      {
        name: app,
        last_status: s.status === "PROVISIONING" ? "PENDING" : s.status === "DEACTIVATING" ? "RUNNING" : s.status,
        exit_code: stopped ? (s.exit ?? (exited ? 1 : 0)) : null,
        reason: null,
        health: s.status === "RUNNING" ? (s.health === undefined ? "HEALTHY" : s.health) : null,
      },
    ],
  };
}

const tasks = (app: string, rev: number, count: number, s: TaskShape | ((i: number) => TaskShape), from = 0) =>
  Array.from({ length: count }, (_, k) => task(app, rev, from + k, typeof s === "function" ? s(from + k) : s));

function target(rev: number, i: number, state: string, port = 5000): TargetInfo {
  const reason = state === "initial" ? "Elb.RegistrationInProgress" : state === "draining" ? "Target.DeregistrationInProgress" : null;
  const description = state === "initial" ? "Target registration is in progress" : state === "draining" ? "Target deregistration is in progress" : null;
  return { id: ipOf(rev, i), port, state, reason, description };
}

const targets = (rev: number, count: number, state: string | ((i: number) => string | null), from = 0) =>
  Array.from({ length: count }, (_, k) => (typeof state === "function" ? state(from + k) : state))
    .map((st, k) => (st ? target(rev, from + k, st) : null))
    .filter((t): t is TargetInfo => t !== null);

function deployment(app: string, rev: number, status: string, desired: number, running: number, pending: number, rollout: string, reason: string | null = null, failed = 0): DeploymentInfo {
  return {
    id: `ecs-svc/${rev}00${rev}`,
    status,
    rollout_state: rollout,
    rollout_reason: reason,
    task_definition: td(app, rev),
    desired,
    running,
    pending,
    failed,
    created_ms: Date.now() - (rev === OLD ? 3_600_000 : 60_000),
    updated_ms: Date.now(),
  };
}

/** One recorded look: the service, what is wrong, and a milestone it brings. */
interface Look {
  deployments: DeploymentInfo[];
  tasks: TaskInfo[];
  targets: TargetInfo[];
  /** Events this look adds (newest first once shown). */
  events?: string[];
  diagnoses?: Diagnosis[];
  moving: boolean;
  milestone?: Milestone;
}

function steady(app: string, n: number, rev = OLD): Look {
  return {
    deployments: [deployment(app, rev, "PRIMARY", n, n, 0, "COMPLETED")],
    tasks: tasks(app, rev, n, { status: "RUNNING" }),
    targets: targets(rev, n, "healthy"),
    moving: false,
  };
}

function rollout(app: string, n: number): Look[] {
  const oldRunning = tasks(app, OLD, n, { status: "RUNNING" });
  const ids = (rev: number) => Array.from({ length: n }, (_, i) => `(task ${taskId(rev, i)})`).join(" ");
  return [
    { ...steady(app, n), events: [`(service ${app}) has reached a steady state.`] },
    {
      deployments: [deployment(app, NEW, "PRIMARY", n, 0, n, "IN_PROGRESS"), deployment(app, OLD, "ACTIVE", n, n, 0, "COMPLETED")],
      tasks: [...oldRunning, ...tasks(app, NEW, n, { status: "PROVISIONING" })],
      targets: targets(OLD, n, "healthy"),
      events: [`(service ${app}) has started ${n} tasks: ${ids(NEW)}.`],
      moving: true,
    },
    {
      deployments: [deployment(app, NEW, "PRIMARY", n, n, 0, "IN_PROGRESS"), deployment(app, OLD, "ACTIVE", n, n, 0, "COMPLETED")],
      tasks: [...oldRunning, ...tasks(app, NEW, n, { status: "RUNNING", health: "UNKNOWN" })],
      targets: [...targets(OLD, n, "healthy"), ...targets(NEW, n, "initial")],
      events: [`(service ${app}) registered ${n} targets in (target-group arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/${app}-tg/0a1b2c3d4e5f6071)`],
      moving: true,
    },
    {
      deployments: [deployment(app, NEW, "PRIMARY", n, n, 0, "IN_PROGRESS"), deployment(app, OLD, "ACTIVE", 0, n, 0, "COMPLETED")],
      tasks: [...tasks(app, OLD, n, { status: "RUNNING", desired: "STOPPED" }), ...tasks(app, NEW, n, { status: "RUNNING" })],
      targets: [...targets(OLD, n, "draining"), ...targets(NEW, n, "healthy")],
      events: [`(service ${app}) has begun draining connections on ${n} tasks.`, `(service ${app}) deregistered ${n} targets in (target-group ${app}-tg)`],
      moving: true,
    },
    {
      deployments: [deployment(app, NEW, "PRIMARY", n, n, 0, "IN_PROGRESS"), deployment(app, OLD, "ACTIVE", 0, 0, 0, "COMPLETED")],
      tasks: [...tasks(app, NEW, n, { status: "RUNNING" }), ...tasks(app, OLD, n, { status: "STOPPED", stopped: `Scaling activity initiated by (deployment ecs-svc/${NEW}00${NEW})` })],
      targets: targets(NEW, n, "healthy"),
      events: [`(service ${app}) has stopped ${n} running tasks: ${ids(OLD)}.`],
      moving: true,
    },
    {
      deployments: [deployment(app, NEW, "PRIMARY", n, n, 0, "COMPLETED")],
      tasks: [...tasks(app, NEW, n, { status: "RUNNING" }), ...tasks(app, OLD, n, { status: "STOPPED", stopped: `Scaling activity initiated by (deployment ecs-svc/${NEW}00${NEW})` })],
      targets: targets(NEW, n, "healthy"),
      events: [`(service ${app}) deployment ecs-svc/${NEW}00${NEW} deployment completed.`, `(service ${app}) has reached a steady state.`],
      moving: false,
      milestone: { kind: "rollout_completed", task_definition: td(app, NEW) },
    },
  ];
}

const EXITED = "Essential container in task exited";

function exitedDiagnosis(app: string, stopped: TaskInfo[]): Diagnosis {
  return {
    code: "container_exited",
    level: "error",
    title: `The app's container ${app} keeps exiting.`,
    explanation:
      "ECS stops a task when its essential container exits. It exited with an error (exit 1) right after starting: usually a missing environment variable or secret, a dependency that is not installed, or an exception at start.",
    fix: "Read the container's last log lines (shown with the task); reproduce with `slipway run` on your machine, which runs the same image (step 2).",
    evidence: [
      { label: "stopped reason", value: EXITED },
      { label: "exit code", value: `${app} exited with 1` },
    ],
    params: { container: app, exit_code: "1" },
    tasks: stopped.map((t) => t.id),
  };
}

function breakerDiagnosis(app: string, stopped: TaskInfo[], count: number): Diagnosis {
  const failed = `${app}:${NEW}`;
  const serving = `${app}:${OLD}`;
  return {
    code: "circuit_breaker",
    level: "error",
    title: `The deployment of ${failed} failed and ECS rolled back to ${serving}.`,
    explanation: `The new tasks of ${failed} kept failing (${count} failed), so the deployment circuit breaker stopped the rollout and went back to ${serving}, which is still serving. The other findings say why the tasks failed.`,
    fix: "Fix the cause below, then deploy again (apply, or push a commit through the pipeline).",
    evidence: [
      { label: "deployment", value: `ecs-svc/${NEW}00${NEW} (${failed}): ECS deployment circuit breaker: tasks failed to start.` },
      { label: "why its tasks stopped", value: EXITED },
      { label: "failed tasks", value: String(count) },
    ],
    params: { failed, serving, count: String(count) },
    tasks: stopped.map((t) => t.id),
  };
}

function rollback(app: string, n: number): Look[] {
  const oldRunning = tasks(app, OLD, n, { status: "RUNNING" });
  const stopped = (count: number) => tasks(app, NEW, count, { status: "STOPPED", stopped: EXITED, exit: 1 });
  const breaker = "ECS deployment circuit breaker: tasks failed to start.";
  const ids = Array.from({ length: n }, (_, i) => `(task ${taskId(NEW, i)})`).join(" ");
  return [
    { ...steady(app, n), events: [`(service ${app}) has reached a steady state.`] },
    {
      deployments: [deployment(app, NEW, "PRIMARY", n, 0, n, "IN_PROGRESS"), deployment(app, OLD, "ACTIVE", n, n, 0, "COMPLETED")],
      tasks: [...oldRunning, ...tasks(app, NEW, n, { status: "PROVISIONING" })],
      targets: targets(OLD, n, "healthy"),
      events: [`(service ${app}) has started ${n} tasks: ${ids}.`],
      moving: true,
    },
    {
      deployments: [deployment(app, NEW, "PRIMARY", n, 0, n - 1, "IN_PROGRESS", null, 1), deployment(app, OLD, "ACTIVE", n, n, 0, "COMPLETED")],
      tasks: [...oldRunning, ...stopped(1), ...tasks(app, NEW, n - 1, { status: "PENDING" }, 1)],
      targets: targets(OLD, n, "healthy"),
      events: [`(service ${app}) has stopped 1 running tasks: (task ${taskId(NEW, 0)}).`],
      diagnoses: [exitedDiagnosis(app, stopped(1))],
      moving: true,
    },
    {
      deployments: [deployment(app, OLD, "PRIMARY", n, n, 0, "IN_PROGRESS"), deployment(app, NEW, "ACTIVE", n, 0, 0, "FAILED", breaker, n)],
      tasks: [...oldRunning, ...stopped(n)],
      targets: targets(OLD, n, "healthy"),
      events: [`(service ${app}) (deployment ecs-svc/${NEW}00${NEW}) deployment failed: tasks failed to start.`, `(service ${app}) rolling back to deployment ecs-svc/${OLD}00${OLD}.`],
      diagnoses: [breakerDiagnosis(app, stopped(n), n), exitedDiagnosis(app, stopped(n))],
      moving: true,
      milestone: { kind: "rolled_back", failed: td(app, NEW), serving: td(app, OLD) },
    },
    {
      deployments: [deployment(app, OLD, "PRIMARY", n, n, 0, "COMPLETED"), deployment(app, NEW, "ACTIVE", n, 0, 0, "FAILED", breaker, n)],
      tasks: [...oldRunning, ...stopped(n)],
      targets: targets(OLD, n, "healthy"),
      events: [`(service ${app}) has reached a steady state.`],
      diagnoses: [breakerDiagnosis(app, stopped(n), n), exitedDiagnosis(app, stopped(n))],
      moving: false,
    },
  ];
}

/** 200 tasks: rev 6's hundred drain in waves while rev 7's hundred start, look after look. */
function bench(app: string, look: number): Look {
  const n = 100;
  const wave = look % 12;
  const newShape = (i: number): TaskShape => {
    const phase = (wave * 9 - (i % 37)) % 12;
    if (phase < 2) return { status: "PROVISIONING" };
    if (phase < 4) return { status: "PENDING" };
    if (phase < 7) return { status: "RUNNING", health: "UNKNOWN" };
    return { status: "RUNNING" };
  };
  const oldShape = (i: number): TaskShape => ((i + wave * 7) % 12 < 4 ? { status: "RUNNING", desired: "STOPPED" } : { status: "RUNNING" });
  const newTasks = tasks(app, NEW, n, newShape);
  const oldTasks = tasks(app, OLD, n, oldShape);
  const running = newTasks.filter((t) => t.last_status === "RUNNING").length;
  return {
    deployments: [deployment(app, NEW, "PRIMARY", n * 2, running, n - running, "IN_PROGRESS"), deployment(app, OLD, "ACTIVE", n, n, 0, "COMPLETED")],
    tasks: [...oldTasks, ...newTasks],
    targets: [
      ...targets(OLD, n, (i) => (oldShape(i).desired === "STOPPED" ? "draining" : "healthy")),
      ...targets(NEW, n, (i) => {
        const s = newShape(i);
        return s.status !== "RUNNING" ? null : s.health === "UNKNOWN" ? "initial" : "healthy";
      }),
    ],
    events: look % 5 === 0 ? [`(service ${app}) has started 12 tasks.`] : [],
    moving: true,
  };
}

// ---------------------------------------------------------------------------------------------
// watch_service

let visible = true;
const wakers = new Set<() => void>();

export function setWindowVisible(v: boolean): null {
  const changed = v !== visible;
  visible = v;
  // Hidden: the watch's next look says so at once; shown again: it looks at once.
  if (changed) for (const w of [...wakers]) w();
  return null;
}

/** ?pace=manual: the sequence moves on only when a test calls window.__monitorNext(), so each
 *  look can be checked however long the first render takes. */
const manual = typeof location !== "undefined" && new URLSearchParams(location.search).get("pace") === "manual";
const stepped = new Set<() => void>();
if (typeof window !== "undefined") {
  (window as unknown as { __monitorNext: () => void }).__monitorNext = () => {
    for (const s of [...stepped]) s();
  };
}

/** Waits `ms` (or for the test's next step), cut short by a visibility change or a cancel. */
function pause(ms: number, operation: string): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      clearInterval(poll);
      wakers.delete(done);
      stepped.delete(done);
      resolve();
    };
    if (manual) stepped.add(done);
    const t = manual ? 0 : setTimeout(done, ms);
    const poll = setInterval(() => cancelled.has(operation) && done(), 100);
    wakers.add(done);
  });
}

export function stepMs(scenario: string): number {
  return scenario === "monitor-bench" ? 200 : 1500;
}

function looksFor(p: MockProject, scenario: string): { looks: Look[]; loop: boolean } {
  const app = p.spec?.app.name ?? "shop-api";
  if (scenario === "monitor-rollout") return { looks: rollout(app, 3), loop: false };
  if (scenario === "monitor-rollback") return { looks: rollback(app, 3), loop: false };
  if (scenario === "monitor-bench") return { looks: Array.from({ length: 12 }, (_, i) => bench(app, i)), loop: true };
  return { looks: [{ ...steady(app, p.spec?.service.desired_count ?? 2), events: [`(service ${app}) has reached a steady state.`] }], loop: false };
}

export async function watchService(p: MockProject, scenario: string, operation: string, channel: Channel<MonitorEvent>): Promise<null> {
  const send = sender(channel);
  const app = p.spec?.app.name ?? "shop-api";
  operations.add(operation);
  const { looks, loop } = looksFor(p, scenario);
  const step = stepMs(scenario);
  const lookTimes: number[] = [];
  const events: ServiceEvent[] = [];
  let eventId = 0;
  let last: ServiceHealth | null = null;
  let i = 0;
  try {
    while (!cancelled.has(operation)) {
      if (!visible) {
        send({ kind: "update", data: { health: last, diagnoses: [], activity: "hidden", calls_last_minute: calls(lookTimes), next_look_ms: null, error: null } });
        await new Promise<void>((resolve) => {
          const wake = () => {
            wakers.delete(wake);
            clearInterval(poll);
            resolve();
          };
          const poll = setInterval(() => cancelled.has(operation) && wake(), 100);
          wakers.add(wake);
        });
        continue;
      }
      const look = looks[Math.min(i, looks.length - 1)]!;
      const fresh = i < looks.length || loop;
      if (fresh) for (const m of look.events ?? []) events.unshift({ id: `ev${++eventId}`, at_ms: Date.now() - 1000, message: m });
      if (events.length > 100) events.length = 100;
      lookTimes.push(Date.now());
      const running = look.deployments.reduce((s, d) => s + d.running, 0);
      const pending = look.deployments.reduce((s, d) => s + d.pending, 0);
      last = {
        cluster: app,
        service: app,
        status: "ACTIVE",
        desired: look.deployments.find((d) => d.status === "PRIMARY")?.desired ?? 0,
        running,
        pending,
        task_definition: look.deployments.find((d) => d.status === "PRIMARY")?.task_definition ?? "",
        deployments: look.deployments,
        tasks: look.tasks,
        targets: look.targets,
        events: [...events],
        observed_ms: Date.now(),
      };
      const next = look.moving ? step : 30_000;
      const data: MonitorUpdate = { health: last, diagnoses: look.diagnoses ?? [], activity: look.moving ? "moving" : "steady", calls_last_minute: calls(lookTimes), next_look_ms: next, error: null };
      if (scenario === "monitor-bench") {
        // The benchmark's measure of one update: the main thread's work from the update's arrival
        // to the screen's DOM changed and laid out (Svelte's effects flushed, then style and layout
        // forced), that is, everything before paint that has to fit in a frame.
        const t0 = performance.now();
        send({ kind: "update", data });
        flushSync();
        document.body.getBoundingClientRect();
        const w = window as unknown as { __monitorUpdateWork?: number[] };
        (w.__monitorUpdateWork ??= []).push(performance.now() - t0);
      } else send({ kind: "update", data });
      if (fresh && look.milestone) send({ kind: "milestone", data: look.milestone });
      i = loop ? (i + 1) % looks.length : i + 1;
      // A recorded sequence plays at its own pace; its last look repeats as slowly as a steady watch.
      await pause(i < looks.length || loop ? step : 30_000, operation);
    }
    return null;
  } finally {
    operations.delete(operation);
  }
}

/** Five calls a look (ECS services, tasks, ELB target health ...), over the last minute. */
function calls(times: number[]): number {
  const since = Date.now() - 60_000;
  while (times.length && times[0]! < since) times.shift();
  return times.length * 5;
}

// ---------------------------------------------------------------------------------------------
// zero_downtime_check

export async function zeroDowntimeCheck(practice: boolean, scenario: string, url: string, rate: number, operation: string, channel: Channel<ProbeSample>): Promise<DowntimeReport> {
  if (practice) {
    throw {
      code: "practice_unsupported",
      message: "The zero-downtime check needs a real load balancer: in practice mode nothing answers at the service's URL.",
      hint: "Connect with an AWS profile (Settings) and deploy the service there to measure a rollout.",
    };
  }
  if (!/^https?:\/\//.test(url)) throw { code: "invalid_input", message: `'${url}' is not an http(s) URL.`, hint: "Use the service's URL from step 4." };
  const send = sender(channel);
  operations.add(operation);
  const every = 1000 / Math.min(10, Math.max(1, rate));
  const samples: ProbeSample[] = [];
  const started = Date.now();
  try {
    while (!cancelled.has(operation) && samples.length < 3600) {
      const at = Date.now() - started;
      // Version 6 answers, then 7 after 3 s; the rollback scenario has a short gap at the switch.
      const blip = scenario === "monitor-rollback" && at > 2800 && at < 3400;
      const version = at < 3000 ? "6" : "7";
      const latency = Math.round(28 + 12 * Math.sin(at / 700) + (at > 2500 && at < 3500 ? 60 : 0));
      const s: ProbeSample = blip
        ? { at_ms: at, status: 502, latency_ms: 4, version: null, error: null }
        : { at_ms: at, status: 200, latency_ms: latency, version, error: null };
      samples.push(s);
      send(s);
      await sleep(every);
    }
  } finally {
    operations.delete(operation);
  }
  const good = samples.filter((s) => s.status !== null && s.status < 400);
  const lat = good.map((s) => s.latency_ms ?? 0).sort((a, b) => a - b);
  let outage = 0;
  let from: number | null = null;
  for (const s of samples) {
    if (s.status !== null && s.status < 400) from = null;
    else {
      from ??= s.at_ms;
      outage = Math.max(outage, s.at_ms - from + every);
    }
  }
  return {
    samples,
    ok: good.length,
    failed: samples.length - good.length,
    success_rate: samples.length ? good.length / samples.length : 1,
    p95_latency_ms: lat.length ? lat[Math.min(lat.length - 1, Math.floor(lat.length * 0.95))]! : null,
    versions: [...new Set(good.flatMap((s) => (s.version ? [s.version] : [])))],
    longest_outage_ms: Math.round(outage),
  };
}

// ---------------------------------------------------------------------------------------------
// service_metrics

/** A deterministic "random" number in [0, 1) for minute `i` of series `seed`. */
function noise(i: number, seed: number): number {
  const x = Math.sin(i * 12.9898 + seed * 78.233) * 43758.5453;
  return x - Math.floor(x);
}

/** A smooth bump of `height` over `len` minutes from `start` (zero elsewhere). */
function bump(i: number, start: number, len: number, height: number): number {
  return i < start || i >= start + len ? 0 : height * Math.sin((Math.PI * (i - start + 0.5)) / len);
}

type MetricShape = "steady" | "rollout" | "rollback";

/** Per minute: CPU %, memory %, requests, 5xx, p95 latency (s). The rollout's last ten minutes
 *  show the new tasks starting (CPU and memory up) and a dip in requests while targets switch;
 *  the rollback's show the crashing revision's burst of 5xx and slow answers. */
function minute(shape: MetricShape, i: number): [number, number, number, number, number] {
  const r = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;
  if (shape === "rollout") {
    return [
      r(18 + 5 * noise(i, 1) + 3 * Math.sin(i / 7) + bump(i, 48, 9, 32)),
      r(36 + 2 * noise(i, 2) + i * 0.03 + bump(i, 48, 9, 14)),
      Math.round(420 + 60 * Math.sin(i / 9) + 30 * noise(i, 3) - bump(i, 50, 4, 140)),
      noise(i, 4) > 0.93 ? 1 : 0,
      r(0.082 + 0.015 * noise(i, 5) + bump(i, 48, 9, 0.06), 4),
    ];
  }
  if (shape === "rollback") {
    const burst = [4, 18, 47, 61, 39, 22, 11, 6, 3];
    return [
      r(20 + 5 * noise(i, 1) + 3 * Math.sin(i / 6) + bump(i, 50, 7, 18)),
      r(38 + 2 * noise(i, 2) + bump(i, 50, 7, 9)),
      Math.round(400 + 50 * Math.sin(i / 8) + 30 * noise(i, 3) - bump(i, 51, 6, 60)),
      i >= 51 ? burst[i - 51]! : 0,
      r(0.09 + 0.02 * noise(i, 5) + bump(i, 51, 9, 0.36), 4),
    ];
  }
  return [
    r(12 + 3 * noise(i, 1) + 2 * Math.sin(i / 8)),
    r(31 + 1.5 * noise(i, 2)),
    Math.round(180 + 40 * Math.sin(i / 10) + 20 * noise(i, 3)),
    noise(i, 4) > 0.97 ? 1 : 0,
    r(0.064 + 0.012 * noise(i, 5), 4),
  ];
}

const METRICS: [id: string, metric: string, stat: string, unit: string][] = [
  ["cpu", "AWS/ECS CPUUtilization", "Average", "Percent"],
  ["memory", "AWS/ECS MemoryUtilization", "Average", "Percent"],
  ["requests", "AWS/ApplicationELB RequestCount", "Sum", "Count"],
  ["http_5xx", "AWS/ApplicationELB HTTPCode_Target_5XX_Count", "Sum", "Count"],
  ["latency", "AWS/ApplicationELB TargetResponseTime", "p95", "Seconds"],
];

/** ?metrics=denied | no-lb: how service_metrics answers in the browser tests. */
const metricsQuery = typeof location !== "undefined" ? new URLSearchParams(location.search).get("metrics") : null;

function serviceMetrics(practice: boolean, scenario: string, now = Date.now()): ServiceMetrics {
  const to = Math.floor(now / 60_000) * 60_000;
  const from = to - 3_600_000;
  const base = { from_ms: from, to_ms: to, period_s: 60 };
  // The emulator records no metrics: every chart is missing, for the same reason.
  if (practice) return { ...base, series: [], missing: METRICS.map(([id]) => [id, "practice"]) };
  const shape: MetricShape = scenario === "monitor-rollout" || scenario === "monitor-bench" ? "rollout" : scenario === "monitor-rollback" ? "rollback" : "steady";
  const minutes = Array.from({ length: 60 }, (_, i) => minute(shape, i));
  const times = minutes.map((_, i) => from + i * 60_000);
  const series: MetricSeries[] = METRICS.map(([id, metric, stat, unit], k) => ({ id, metric, stat, unit, times_ms: times, values: minutes.map((m) => m[k]!) }));
  if (metricsQuery === "no-lb") {
    return { ...base, series: series.slice(0, 2), missing: METRICS.slice(2).map(([id]) => [id, "no_load_balancer"]) };
  }
  return { ...base, series, missing: [] };
}

async function serviceMetricsCall(practice: boolean, scenario: string): Promise<ServiceMetrics> {
  await sleep(250);
  if (metricsQuery === "denied") {
    throw {
      code: "access_denied",
      message: "User: arn:aws:iam::123456789012:user/lan is not authorized to perform: cloudwatch:GetMetricData because no identity-based policy allows the cloudwatch:GetMetricData action",
      hint: "Allow cloudwatch:GetMetricData for this profile (the AWS managed policy CloudWatchReadOnlyAccess has it), then refresh.",
    };
  }
  return serviceMetrics(practice, scenario);
}

// ---------------------------------------------------------------------------------------------
// The benchmark's pipeline: ten stages of two or three actions, some side by side (the same run
// order), 24 in all. The latest run moves on by one step at every look: the actions of the next
// run order start and the previous ones succeed, and after the last step it starts again from
// the source, so every look changes some actions' states.

type BenchAction = [name: string, kind: ActionKind, provider: string, runOrder: number];

const BENCH_STAGES: [string, BenchAction[]][] = [
  ["Source", [["App", "source", "S3", 1], ["Config", "source", "S3", 1]]],
  ["Build", [["Image", "build", "CodeBuild", 1], ["Assets", "build", "CodeBuild", 1], ["Sbom", "build", "CodeBuild", 2]]],
  ["UnitTests", [["Unit", "test", "CodeBuild", 1], ["Lint", "test", "CodeBuild", 1]]],
  ["Scan", [["ImageScan", "test", "CodeBuild", 1], ["Licences", "test", "CodeBuild", 1], ["Secrets", "test", "CodeBuild", 1]]],
  ["Package", [["Bundle", "build", "CodeBuild", 1], ["Sign", "build", "CodeBuild", 2]]],
  ["Approve", [["Release", "approval", "Manual", 1], ["Notify", "invoke", "Lambda", 1]]],
  ["DeployStaging", [["Migrate", "invoke", "Lambda", 1], ["Service", "deploy", "ECS", 2], ["Worker", "deploy", "ECS", 2]]],
  ["SmokeStaging", [["Smoke", "invoke", "Lambda", 1], ["Load", "invoke", "Lambda", 1]]],
  ["DeployProduction", [["Migrate", "invoke", "Lambda", 1], ["Service", "deploy", "ECS", 2], ["Worker", "deploy", "ECS", 2]]],
  ["Verify", [["Smoke", "invoke", "Lambda", 1], ["Canary", "invoke", "Lambda", 2]]],
];

/** Each (stage, run order) in the order a run goes through them: one step of the run each. */
const BENCH_STEPS: [stage: number, runOrder: number][] = BENCH_STAGES.flatMap(([, actions], st) => [...new Set(actions.map((a) => a[3]))].sort((a, b) => a - b).map((o): [number, number] => [st, o]));

/** The latest run's step; the first look finds it deploying to staging, as before. */
let benchStep = BENCH_STEPS.findIndex(([st]) => BENCH_STAGES[st]![0] === "DeployStaging");

/** Moves the latest run on by one step (at every look at it). */
export function advanceBench(): void {
  benchStep = (benchStep + 1) % BENCH_STEPS.length;
}

const BENCH_RUNS = Array.from({ length: 8 }, (_, i) => `b3nc${String(i).padStart(4, "0")}-7a1e-4c2d-9f00-2b6d0e8c1a${String(i).padStart(2, "0")}`);

function benchRun(i: number): PipelineRun {
  const started = Date.now() - (i + 1) * 3_600_000 + (i === 0 ? 3_000_000 : 0);
  const status = i === 0 ? "InProgress" : i === 3 ? "Failed" : "Succeeded";
  return { id: BENCH_RUNS[i]!, status, status_summary: null, trigger: "StartPipelineExecution", started_ms: started, updated_ms: Date.now(), duration_ms: i === 0 ? null : 1_500_000, revisions: [`v${40 - i}.bench`] };
}

export function benchRuns(): PipelineRun[] {
  return BENCH_RUNS.map((_, i) => benchRun(i));
}

function stageState(actions: ActionView[]): NodeState {
  if (actions.some((a) => a.state === "failed")) return "failed";
  if (actions.some((a) => a.state === "in_progress")) return "in_progress";
  if (actions.every((a) => a.state === "succeeded")) return "succeeded";
  return actions.some((a) => a.state === "succeeded") ? "in_progress" : "not_started";
}

export function benchRunView(id: string | null): RunView {
  const i = Math.max(0, BENCH_RUNS.indexOf(id ?? BENCH_RUNS[0]!));
  const run = benchRun(i);
  // The latest run is at its step; run 3 failed deploying to production; the others succeeded.
  const failedAt = BENCH_STEPS.findIndex(([st, o]) => BENCH_STAGES[st]![0] === "DeployProduction" && o === 2);
  const at = i === 0 ? benchStep : i === 3 ? failedAt : BENCH_STEPS.length;
  const stages: StageView[] = BENCH_STAGES.map(([name, actions], st) => {
    const views = actions.map(([action, kind, provider, runOrder]): ActionView => {
      const step = BENCH_STEPS.findIndex(([s, o]) => s === st && o === runOrder);
      const state: NodeState = step < at ? "succeeded" : step > at ? "not_started" : i === 3 ? "failed" : "in_progress";
      const startedMs = (run.started_ms ?? 0) + step * 90_000;
      return {
        name: action,
        kind,
        provider,
        run_order: runOrder,
        state,
        started_ms: state === "not_started" ? null : startedMs,
        updated_ms: state === "not_started" ? null : startedMs + (state === "in_progress" ? 30_000 : 75_000),
        summary: null,
        error: state === "failed" ? "Deployment failed: tasks failed to start." : null,
        external_id: null,
        external_url: null,
        build: null,
      };
    });
    return { name, state: stageState(views), actions: views };
  });
  const state: NodeState = i === 0 ? "in_progress" : i === 3 ? "failed" : "succeeded";
  return { pipeline: "shop-api", run, state, revision: run.revisions[0] ?? null, revision_summary: "Uploaded by Slipway", stages, failure: null, actions_unavailable: null, retryable_stage: null, stoppable: false };
}

// ---------------------------------------------------------------------------------------------

export function handles(cmd: string, args: Record<string, unknown>, scenario: string): boolean {
  if (cmd === "cancel_operation") return operations.has(String(args.operation));
  if (scenario === "monitor-bench" && (cmd === "pipeline_runs" || cmd === "pipeline_run")) return true;
  return ["watch_service", "set_window_visible", "zero_downtime_check", "service_metrics"].includes(cmd);
}

export async function dispatch(cmd: string, a: Record<string, unknown>, folder: (path: unknown) => MockProject, scenario: string, practice: boolean): Promise<unknown> {
  switch (cmd) {
    case "watch_service":
      return watchService(folder(a.path), scenario, String(a.operation), a.onEvent as Channel<MonitorEvent>);
    case "set_window_visible":
      return setWindowVisible(Boolean(a.visible));
    case "zero_downtime_check":
      return zeroDowntimeCheck(practice, scenario, String(a.url), Number(a.rate), String(a.operation), a.onSample as Channel<ProbeSample>);
    case "service_metrics":
      folder(a.path);
      return serviceMetricsCall(practice, scenario);
    case "pipeline_runs":
      await sleep(60);
      return benchRuns();
    case "pipeline_run": {
      await sleep(60);
      const run = (a.run as string | null) ?? null;
      const view = benchRunView(run);
      if (view.run.id === BENCH_RUNS[0]) advanceBench();
      // The benchmark measures from here to the frame that shows the view.
      (window as unknown as { __pipelineViewSentAt: number }).__pipelineViewSentAt = performance.now();
      return view;
    }
    case "cancel_operation":
      cancelled.add(String(a.operation));
      return true;
    default:
      throw { code: "internal", message: `the mock's step 6 does not know '${cmd}'`, hint: "" };
  }
}

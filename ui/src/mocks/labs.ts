// The mock's Lab mode: the real lab files (crates/core/labs/*.toml, read as text at build time and
// parsed here, as the backend does with include_str!), checks that read the mock's own state with
// the backend's summaries and evidence, progress kept in memory per project, and a journal of AWS
// calls written as CLI commands. Scenarios:
//   labs       (and any other) the local steps pass (Docker, a clean Dockerfile, a build, the
//              container answering); ECR steps are "not yet" until a push happened in step 3;
//              the service's steps pass once step 4 deployed it; questions pass for the right answer
//   labs-fail  the project's Dockerfile exposes the wrong port: the Dockerfile step fails with
//              the linter's findings as evidence; checking "day2-run" cannot save its result
//              (the call itself fails, as when the app's database is locked); and the lab
//              report cannot be written
// The experiments need a running service (?scenario=deployed, or apply in step 4): stopping a
// task, the broken deploy and, with an AWS profile, the load test of the service's URL. In
// practice mode the load test goes to the app "running" on this machine. The load test is
// simulated request by request (latencies, a 503 now and then, a refused connection rarely)
// and streams in real time, so its report adds up exactly; the last report is kept on
// window.__labMock for the browser tests, with the experiment calls made.
import { parse } from "smol-toml";
import type { Channel } from "@tauri-apps/api/core";
import type { BadDeploy, Check, CheckResult, CliCommand, Lab, LabStatus, LoadReport, LoadSample, LoadTarget, StatusCount, StepCheck } from "../lib/bindings";
import { cancelled, operations, sender } from "./apply";
import ecsWorkshop from "../../../crates/core/labs/ecs-workshop.toml?raw";
import lecture from "../../../crates/core/labs/containers-lecture.toml?raw";
import week7 from "../../../crates/core/labs/week7.toml?raw";
import { lint, type MockProject } from "./project";
import * as registry from "./registry";
import * as service from "./service";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The built-in labs in teaching order, as `crates/core/src/labs.rs` lists them. */
const FILES: readonly string[] = [week7, ecsWorkshop, lecture];

type Raw = Record<string, unknown>;

/** A lab file as the backend sends it: the optional fields present, as serde's defaults make them. */
export function labFrom(text: string): Lab {
  const raw = parse(text) as Raw;
  const steps = (raw.steps as Raw[]).map((s) => ({
    id: String(s.id),
    screen: (s.screen as string | undefined) ?? null,
    title: s.title,
    body: s.body,
    check: s.check,
    concepts: (s.concepts as string[] | undefined) ?? [],
    watch: s.watch ?? null,
    experiment: s.experiment ?? null,
  }));
  return { id: String(raw.id), kind: raw.kind, source: String(raw.source), title: raw.title, summary: raw.summary, steps, concepts: raw.concepts ?? {} } as Lab;
}

let labs: Lab[] | null = null;
export function builtIn(): Lab[] {
  labs ??= FILES.map(labFrom);
  return labs;
}

function labOf(id: unknown): Lab {
  const lab = builtIn().find((l) => l.id === id);
  if (!lab) throw { code: "invalid_input", message: `There is no lab ${JSON.stringify(id)}.`, hint: "Pick one of the labs Slipway lists." };
  return lab;
}

/** ?scenario=labs-fail: the Dockerfile exposes 8080 while slipway.toml sends traffic to 5000. */
export function seed(p: MockProject, scenario: string): void {
  if (scenario === "labs-fail" && p.files.Dockerfile) p.files.Dockerfile = p.files.Dockerfile.replace("EXPOSE 5000", "EXPOSE 8080");
}

// The latest check of each step, per project and lab.
const saved = new Map<string, Map<string, CheckResult>>();
const keyOf = (path: string, lab: string) => `${path}\n${lab}`;

const result = (status: LabStatus, summary: string, evidence: [string, string][] = []): CheckResult => ({ status, summary, evidence, at_ms: Date.now() });

function question(check: Extract<Check, { kind: "question" }>, answer: number | null): CheckResult {
  if (answer === null) return result("not_yet", "Pick an answer.");
  const chosen = check.choices[answer];
  if (!chosen) return result("fail", `There is no answer ${answer}: pick one of the ${check.choices.length}.`);
  return answer === check.answer ? result("pass", "Right.", [["Answer", chosen.text.en]]) : result("fail", "Not this one: read why and try again.", [["Answer", chosen.text.en]]);
}

function dockerfileClean(p: MockProject): CheckResult {
  const text = p.files.Dockerfile;
  if (text === undefined) return result("not_yet", "The project has no Dockerfile yet.");
  const findings = lint(text, p.spec?.app.port ?? null);
  const errors = findings.filter((f) => f.severity === "error");
  const warnings = findings.filter((f) => f.severity === "warning").length;
  const evidence: [string, string][] = [
    ["Errors", String(errors.length)],
    ["Warnings", String(warnings)],
    ...errors.slice(0, 3).map((e): [string, string] => [e.rule, `line ${e.line}: ${e.message}`]),
  ];
  return errors.length ? result("fail", `The linter finds ${errors.length} error(s) in the Dockerfile.`, evidence) : result("pass", "The Dockerfile lints without errors.", evidence);
}

/** Runs one check against the mock's state, with the backend's words. */
function run(p: MockProject, scenario: string, check: Check, answer: number | null): CheckResult {
  if (check.kind === "question") return question(check, answer);
  if (check.kind === "docker_engine") return result("pass", "The Docker engine answers.", [["Engine", "27.3.1"], ["API", "1.47"]]);
  if (check.kind === "dockerfile_clean") return dockerfileClean(p);
  const spec = p.spec;
  if (!spec) return result("not_yet", "The project has no slipway.toml yet: set it up in the Dockerfile step first.");
  const app = spec.app.name;
  const newest = registry.localBuilds(p)[0];
  switch (check.kind) {
    case "image_built":
      return newest
        ? result("pass", "The image is built.", [["Image", newest.reference], ["Size", `${(newest.size / 1e6).toFixed(1)} MB`], ["Builds", String(registry.localBuilds(p).length)]])
        : result("not_yet", `No image of ${app} is built yet.`);
    case "container_answers":
      return result("pass", "The container answers.", [["URL", `http://127.0.0.1:8080${spec.app.health_path}`], ["Status", "200"], ["Latency", "4 ms"]]);
    default:
      return aws(p, scenario, check);
  }
}

function aws(p: MockProject, scenario: string, check: Check): CheckResult {
  const spec = p.spec!;
  const app = spec.app.name;
  const repoName = spec.image.repository ?? app;
  const repo = registry.ecrRepository(p, scenario);
  const deployed = service.deployedService(p, scenario);
  switch (check.kind) {
    case "ecr_repository":
      if (!repo) return result("not_yet", `There is no repository ${repoName} yet.`);
      return result(repo.scan_on_push ? "pass" : "fail", repo.scan_on_push ? "The repository exists and scans images on push." : "The repository exists but does not scan on push: turn scan on push on.", [
        ["Repository", repo.uri],
        ["Scan on push", String(repo.scan_on_push)],
        ["Encryption", repo.encryption === "kms" ? "Kms" : "Aes256"],
      ]);
    case "image_pushed": {
      if (!repo) return result("not_yet", `There is no repository ${repoName} yet.`);
      const images = registry.listImages(p, scenario);
      const newest = registry.localBuilds(p)[0];
      const there = newest && images.find((i) => i.tags.includes(newest.tag));
      if (newest && there) {
        return result("pass", "Your newest build's tag is in the repository.", [["Tag", newest.tag], ["Digest", there.digest], ["Images in the repository", String(images.length)]]);
      }
      return result("not_yet", `The tag ${newest?.tag ?? "?"} of your newest build is not in the repository yet: push it.`, [["Images in the repository", String(images.length)]]);
    }
    case "cluster_active":
      return deployed ? result("pass", "The cluster is ACTIVE.", [["Cluster", app], ["Services", "1"], ["Running tasks", "2"]]) : result("not_yet", `There is no cluster ${app} yet.`);
    case "task_definition_fargate":
      return deployed
        ? result("pass", "The task definition is for FARGATE with awsvpc networking.", [["Task definition", `${app}:${deployed.revision}`], ["Compatibilities", "FARGATE"], ["Network mode", "awsvpc"], ["CPU / memory", `${spec.service.cpu} / ${spec.service.memory}`]])
        : result("not_yet", `No task definition ${app} is registered yet.`);
    case "service_steady":
      return deployed ? result("pass", "The service runs all its tasks and its rollout completed.", [["Tasks running", "2 of 2"], ["Rollout", "COMPLETED"]]) : result("not_yet", `There is no service ${app} yet.`);
    case "targets_healthy":
      return deployed ? result("pass", "Healthy targets in 2 zones.", [["Healthy targets", "2 of 2"], ["Zones", "us-east-1a, us-east-1b"]]) : result("not_yet", `There is no service ${app} yet.`);
    case "rolling_update":
      return deployed
        ? result("pass", "Rolling updates keep the service up and roll back on failure.", [["minimumHealthyPercent", String(spec.service.min_healthy_percent)], ["maximumPercent", String(spec.service.max_percent)], ["Circuit breaker rollback", "true"]])
        : result("not_yet", `There is no service ${app} yet.`);
    case "scaling_policy":
      return result("not_yet", "The service has no scaling policy: turn on [service.scaling].");
    case "pipeline_stages":
      return result("not_yet", `There is no pipeline ${app}-pipeline yet.`);
    case "pipeline_run_succeeded":
      return result("not_yet", "There is no pipeline yet.");
    case "nothing_left": {
      const left = [...(repo ? [repo.arn] : []), ...(deployed ? [`arn:aws:ecs:us-east-1:123456789012:service/${app}/${app}`] : [])];
      return left.length === 0
        ? result("pass", "Nothing tagged with the project is left.", [["Resources left", "0"]])
        : result("not_yet", `${left.length} resource(s) tagged with the project are still there: destroy them.`, [["Resources left", String(left.length)], ...left.map((arn): [string, string] => ["Left", arn])]);
    }
    default:
      throw { code: "internal", message: `a local check (${check.kind}) was routed to AWS`, hint: "" };
  }
}

const MIN = 60_000;

/** The journal's latest changing calls as CLI commands, newest first, as the backend writes them. */
function history(limit: number): CliCommand[] {
  const now = Date.now();
  const at = (minutes: number) => now - minutes * MIN;
  const cmd = (service: string, operation: string, command: string, minutes: number, complete = true): CliCommand => ({ command: `${command} --region us-east-1`, complete, changes: true, service, operation, at_ms: at(minutes) });
  return [
    cmd("ECS", "UpdateService", "aws ecs update-service --cluster shop-api --service shop-api --task-definition shop-api:7 --force-new-deployment", 3),
    cmd("ECS", "RegisterTaskDefinition", "aws ecs register-task-definition --family shop-api --requires-compatibilities FARGATE --network-mode awsvpc --cpu 256 --memory 512 --container-definitions '[{\"name\":\"shop-api\",\"image\":\"123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-api:3f2a1bc\",\"portMappings\":[{\"containerPort\":5000…'", 4, false),
    cmd("Elastic Load Balancing v2", "CreateTargetGroup", "aws elbv2 create-target-group --name shop-api --protocol HTTP --port 5000 --vpc-id vpc-0c4f7e2a9b1d3e5f6 --target-type ip --health-check-path /health", 6),
    cmd("ECS", "CreateCluster", "aws ecs create-cluster --cluster-name shop-api --tags key=slipway:project,value=shop-api", 7),
    cmd("ECR", "PutLifecyclePolicy", "aws ecr put-lifecycle-policy --repository-name shop-api --lifecycle-policy-text '{\"rules\":[{\"rulePriority\":1,\"description\":\"keep 10 tagged\"…'", 12, false),
    cmd("ECR", "CreateRepository", "aws ecr create-repository --repository-name shop-api --image-scanning-configuration '{\"scanOnPush\":true}' --image-tag-mutability IMMUTABLE --encryption-configuration '{\"encryptionType\":\"AES256\"}'", 12),
  ].slice(0, limit);
}

// ---------------------------------------------------------------------------------------------
// The experiments

const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const PRACTICE_NOTE =
  "Practice mode: the load balancer is not real, so the test loads the app you run on this machine (step 2). Auto scaling cannot be watched here: the emulator has no CloudWatch alarms to drive it. With an AWS profile, the test loads the service's URL and the desired count rises on the health map.";

/** What the browser tests read: the experiment calls made and the last load test's report. */
interface LabMock {
  calls: string[];
  lastLoadReport: LoadReport | null;
}
function labMock(): LabMock {
  const w = window as unknown as { __labMock?: LabMock };
  w.__labMock ??= { calls: [], lastLoadReport: null };
  return w.__labMock;
}

/** The running service the experiments act on, refused as the backend does without one. */
function runningService(p: MockProject, scenario: string) {
  const spec = p.spec;
  const deployed = service.deployedService(p, scenario);
  if (!spec || !deployed) {
    const name = spec?.app.name ?? "of this project";
    throw { code: "service_not_deployed", message: `The service ${name} is not deployed.`, hint: "Apply the service (step 4) first; the experiment breaks a running service on purpose." };
  }
  return { spec, deployed };
}

/** A task id as ECS writes them: 32 hex digits. */
function newTaskId(): string {
  let out = "";
  while (out.length < 32) out += Math.floor(Math.random() * 0x10000).toString(16).padStart(4, "0");
  return out.slice(0, 32);
}

async function stopOneTask(p: MockProject, scenario: string): Promise<string> {
  const { spec } = runningService(p, scenario);
  await sleep(350);
  const n = spec.service.desired_count;
  if (n < 2) {
    throw {
      code: "invalid_input",
      message: `The service runs ${n} task(s): stopping one would take the app down, which is not what the experiment shows.`,
      hint: "Set [service] desired_count = 2 or more in slipway.toml and apply, then try again.",
    };
  }
  return newTaskId();
}

const badDeploys = new Map<string, number>();

async function badDeploy(p: MockProject, scenario: string): Promise<BadDeploy> {
  const { spec, deployed } = runningService(p, scenario);
  if (!spec.service.circuit_breaker) {
    throw {
      code: "invalid_input",
      message: "The service's deployment circuit breaker is off: ECS would keep retrying the broken revision instead of rolling back.",
      hint: "Set [service] circuit_breaker = true in slipway.toml and apply, then run the experiment.",
    };
  }
  await sleep(500);
  const app = spec.app.name;
  const made = (badDeploys.get(p.path) ?? 0) + 1;
  badDeploys.set(p.path, made);
  const repo = registry.ecrRepository(p, scenario)?.uri ?? `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${spec.image.repository ?? app}`;
  return {
    broken_task_definition: `${app}:${deployed.revision + made}`,
    image: `${repo}:slipway-broken-${Math.floor(Date.now() / 1000)}`,
    serving_task_definition: `${app}:${deployed.revision}`,
    failure_threshold: Math.min(200, Math.max(3, Math.ceil(spec.service.desired_count / 2))),
  };
}

function experimentTarget(p: MockProject, scenario: string, practice: boolean): LoadTarget {
  const spec = p.spec;
  if (!spec) throw { code: "spec_invalid", message: `${p.path} has no slipway.toml yet.`, hint: "Generate it in step 1." };
  if (practice) return { url: `http://127.0.0.1:8080${spec.app.health_path}`, local: true, note: PRACTICE_NOTE };
  const deployed = service.deployedService(p, scenario);
  return deployed ? { url: deployed.url, local: false, note: null } : { url: null, local: false, note: "The service has no load balancer yet: apply the service (step 4) first." };
}

/** One simulated request: when it ended, with what status, after how long. */
interface Outcome {
  at_ms: number;
  status: number | null;
  latency_ms: number | null;
}

const good = (status: number | null) => status !== null && status >= 200 && status < 400;
const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.max(0, Math.ceil((sorted.length * p) / 100) - 1)]! : null);

/** Every request of the test as it would go: `concurrency` workers each taking the next request
 *  when the last one ends, until all are sent or 60 s are up. Seeded, so a test is repeatable. */
function simulate(requests: number, concurrency: number): Outcome[] {
  let seed = 20240607;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) / 0x1000000;
  };
  const free = Array<number>(concurrency).fill(0);
  const out: Outcome[] = [];
  for (let i = 0; i < requests; i++) {
    let w = 0;
    for (let j = 1; j < concurrency; j++) if (free[j]! < free[w]!) w = j;
    const refused = i % 401 === 400;
    const unavailable = i % 97 === 96;
    const latency = refused ? 300 : unavailable ? 6 + Math.floor(random() * 8) : Math.min(900, 18 + concurrency + Math.floor(-Math.log(1 - random()) * 26));
    const end = free[w]! + latency;
    if (end > 60_000) break;
    free[w] = end;
    out.push({ at_ms: end, status: refused ? null : unavailable ? 503 : 200, latency_ms: refused ? null : latency });
  }
  return out.sort((a, b) => a.at_ms - b.at_ms);
}

function sampleOf(done: Outcome[], at: number): LoadSample {
  const ok = done.filter((o) => good(o.status)).length;
  const recent = done.filter((o) => o.at_ms + 1000 > at && o.at_ms <= at).length;
  const lat = done.flatMap((o) => (good(o.status) && o.latency_ms !== null ? [o.latency_ms] : [])).sort((a, b) => a - b);
  return { at_ms: at, sent: done.length, ok, failed: done.length - ok, rps: (recent * 1000) / Math.min(1000, Math.max(1, at)), p95_ms: percentile(lat, 95) };
}

function reportOf(url: string, done: Outcome[], samples: LoadSample[], duration: number, stoppedEarly: boolean): LoadReport {
  const ok = done.filter((o) => good(o.status)).length;
  const lat = done.flatMap((o) => (good(o.status) && o.latency_ms !== null ? [o.latency_ms] : [])).sort((a, b) => a - b);
  const statuses: StatusCount[] = [];
  for (const o of done) {
    const s = statuses.find((x) => x.status === o.status);
    if (s) s.count += 1;
    else statuses.push({ status: o.status, count: 1 });
  }
  statuses.sort((a, b) => b.count - a.count || (a.status ?? -1) - (b.status ?? -1));
  return {
    url,
    sent: done.length,
    ok,
    failed: done.length - ok,
    statuses,
    p50_ms: percentile(lat, 50),
    p95_ms: percentile(lat, 95),
    max_ms: lat.at(-1) ?? null,
    duration_ms: duration,
    rps: duration === 0 ? 0 : (done.length * 1000) / duration,
    samples,
    stopped_early: stoppedEarly,
  };
}

async function loadTest(p: MockProject, scenario: string, practice: boolean, a: Record<string, unknown>): Promise<LoadReport> {
  const url = String(a.url);
  const requests = Number(a.requests);
  const concurrency = Number(a.concurrency);
  const operation = String(a.operation);
  let host = "";
  try {
    const u = new URL(url);
    if (u.protocol === "http:" || u.protocol === "https:") host = u.host;
  } catch {
    /* refused below */
  }
  if (!host) throw { code: "invalid_input", message: `${JSON.stringify(url)} is not an http:// URL with a host.`, hint: "Use the service's URL as the Service step shows it (http://…)." };
  if (!(Number.isInteger(requests) && requests >= 1 && requests <= 5000)) {
    throw { code: "invalid_input", message: `${requests} requests is outside 1–5000.`, hint: "Ask for at most 5000 requests: enough to see scaling start, bounded so the test cannot run away." };
  }
  if (!(Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= 20)) {
    throw { code: "invalid_input", message: `${concurrency} at once is outside 1–20.`, hint: "Ask for 1 to 20 requests at once." };
  }
  const own = practice ? null : service.deployedService(p, scenario);
  const hostname = host.replace(/:\d+$/, "");
  if (!["127.0.0.1", "localhost", "[::1]"].includes(hostname) && !(own && new URL(own.url).host === host)) {
    throw { code: "invalid_input", message: `${hostname} is neither this project's load balancer nor this machine.`, hint: "A load test only targets your own service's URL (step 4) or an app you run locally." };
  }
  const plan = simulate(requests, concurrency);
  const send = sender(a.onSample as Channel<LoadSample>);
  const samples: LoadSample[] = [];
  const started = Date.now();
  const end = plan.at(-1)?.at_ms ?? 0;
  operations.add(operation);
  let at = 0;
  try {
    while (!cancelled.has(operation)) {
      const next = samples.length * 500 + 500;
      if (next >= end) {
        await sleep(Math.max(0, end - (Date.now() - started)));
        break;
      }
      await sleep(Math.max(0, next - (Date.now() - started)));
      if (cancelled.has(operation)) break;
      at = next;
      const s = sampleOf(plan.filter((o) => o.at_ms <= at), at);
      samples.push(s);
      send(s);
    }
  } finally {
    operations.delete(operation);
  }
  const stopped = cancelled.has(operation);
  cancelled.delete(operation);
  const duration = stopped ? Math.min(end, Date.now() - started) : end;
  const done = plan.filter((o) => o.at_ms <= duration);
  const last = sampleOf(done, duration);
  samples.push(last);
  send(last);
  const report = reportOf(url, done, samples, duration, done.length < requests);
  labMock().lastLoadReport = structuredClone(report);
  return report;
}

export function handles(cmd: string): boolean {
  return ["list_labs", "lab_progress", "check_lab_step", "aws_cli_history", "stop_one_task", "experiment_target", "load_test", "bad_deploy", "export_lab_report"].includes(cmd);
}

export async function dispatch(cmd: string, a: Record<string, unknown>, folder: (path: unknown) => MockProject, scenario: string, practice: boolean): Promise<unknown> {
  if (["stop_one_task", "experiment_target", "load_test", "bad_deploy", "export_lab_report"].includes(cmd)) labMock().calls.push(cmd === "export_lab_report" ? `${cmd} ${String(a.lang)}` : cmd);
  switch (cmd) {
    case "stop_one_task":
      return stopOneTask(folder(a.path), scenario);
    case "bad_deploy":
      return badDeploy(folder(a.path), scenario);
    case "experiment_target":
      await sleep(120);
      return experimentTarget(folder(a.path), scenario, practice);
    case "load_test":
      return loadTest(folder(a.path), scenario, practice, a);
    case "export_lab_report": {
      const lab = labOf(a.lab);
      const p = folder(a.path);
      if (a.lang !== "en" && a.lang !== "vi") throw { code: "invalid_input", message: `There is no report language ${JSON.stringify(a.lang)}.`, hint: "Use en or vi." };
      await sleep(150);
      const file = `${p.path}/slipway-lab-${lab.id}.md`;
      if (scenario === "labs-fail") {
        throw { code: "invalid_input", message: `Could not write ${file}: Permission denied (os error 13)`, hint: "Check that the project folder is writable and the disk is not full." };
      }
      return file;
    }
    case "list_labs":
      return structuredClone(builtIn());
    case "lab_progress": {
      const lab = labOf(a.lab);
      const p = folder(a.path);
      const checks = saved.get(keyOf(p.path, lab.id)) ?? new Map<string, CheckResult>();
      return lab.steps.flatMap((s): StepCheck[] => (checks.has(s.id) ? [{ step: s.id, result: checks.get(s.id)! }] : []));
    }
    case "check_lab_step": {
      const lab = labOf(a.lab);
      const step = lab.steps.find((s) => s.id === a.step);
      if (!step) throw { code: "invalid_input", message: `The lab ${lab.id} has no step ${JSON.stringify(a.step)}.`, hint: "Pick one of the lab's steps." };
      const p = folder(a.path);
      // A check reads real state: the local ones are quick, the AWS ones take a round trip.
      await sleep(step.check.kind === "question" ? 60 : 250);
      const r = run(p, scenario, step.check, (a.answer as number | null | undefined) ?? null);
      if (scenario === "labs-fail" && step.id === "day2-run") {
        throw { code: "store_failed", message: "Could not save the check of day2-run: database is locked", hint: "Another Slipway window may be writing; close it and check again." };
      }
      const key = keyOf(p.path, lab.id);
      if (!saved.has(key)) saved.set(key, new Map());
      saved.get(key)!.set(step.id, r);
      return r;
    }
    case "aws_cli_history":
      await sleep(80);
      return history(Math.max(1, Number(a.limit) || 50));
  }
  throw { code: "internal", message: `the mock backend does not know '${cmd}'`, hint: "" };
}

// The mock's Lab mode: the real lab files (crates/core/labs/*.toml, read as text at build time and
// parsed here, as the backend does with include_str!), checks that read the mock's own state with
// the backend's summaries and evidence, progress kept in memory per project, and a journal of AWS
// calls written as CLI commands. Scenarios:
//   labs       (and any other) the local steps pass (Docker, a clean Dockerfile, a build, the
//              container answering); ECR steps are "not yet" until a push happened in step 3;
//              the service's steps pass once step 4 deployed it; questions pass for the right answer
//   labs-fail  the project's Dockerfile exposes the wrong port: the Dockerfile step fails with
//              the linter's findings as evidence; and checking "day2-run" cannot save its result
//              (the call itself fails, as when the app's database is locked)
import { parse } from "smol-toml";
import type { Check, CheckResult, CliCommand, Lab, LabStatus, StepCheck } from "../lib/bindings";
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

export function handles(cmd: string): boolean {
  return ["list_labs", "lab_progress", "check_lab_step", "aws_cli_history"].includes(cmd);
}

export async function dispatch(cmd: string, a: Record<string, unknown>, folder: (path: unknown) => MockProject, scenario: string): Promise<unknown> {
  switch (cmd) {
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

// The mock's step 4: a Fargate service behind a load balancer that the mock remembers per
// project. Plans come from the same resource graph as crates/core/src/plan/service.rs (a first
// deploy, a change, nothing to do), applies stream ApplyEvents in dependency order with bounded
// concurrency and then the rollout as the backend's notes say it, and destroy deletes
// dependents first and proves nothing is left. Scenarios: deployed (a service runs already),
// apply-fails (iam:PassRole is denied), rollback (the circuit breaker rolls a new image back),
// drift (what exists changes between plan and apply).
import type { Channel } from "@tauri-apps/api/core";
import type {
  Action,
  ApplyEvent,
  ApplyReport,
  CostEstimate,
  DeployEvent,
  DeployOutcome,
  DeploymentInfo,
  DestroyOutcome,
  DestroyPlan,
  ErrorBody,
  FieldChange,
  Plan,
  PlanStep,
  ProjectSpec,
  ResourceKind,
  ServiceEvent,
  ServiceHealth,
  ServicePlan,
  TargetInfo,
  TaskInfo,
} from "../lib/bindings";
import { memoryOptions } from "../lib/fargate";
import { cancelled, criticalPath, operations, sender, sleep, walk as walkPlan } from "./apply";
import type { MockProject } from "./project";

const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const VPC = "vpc-0c4f7e2a9b1d3e5f6";

/** A resource as the spec wants it: flat properties, compared field by field. */
interface Desired {
  key: string;
  kind: ResourceKind;
  name: string;
  deps: string[];
  purpose: string;
  props: Record<string, string>;
  data?: boolean;
}

/** What the mock's AWS holds for a project. */
interface Deployed {
  resources: Record<string, { id: string; props: Record<string, string> }>;
  revision: number;
  /** The revision the service runs (behind `revision` after a rollback). */
  serviceRevision: number;
  events: ServiceEvent[];
}

interface ServiceState {
  deployed: Deployed | null;
  repository: boolean;
  /** The drift scenario changes what exists once, between plan and apply. */
  drifted: boolean;
}

const states = new Map<string, ServiceState>();

const IMAGE_REPO = (name: string) => `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${name}`;
const LATEST_TAG = "3f2a1bc";
const OLDER_TAG = "1a2b3c4";

const LABEL: Record<ResourceKind, string> = {
  network: "network (VPC and subnets)",
  security_group: "security group",
  load_balancer: "load balancer",
  target_group: "target group",
  listener: "listener",
  role: "IAM role",
  log_group: "log group",
  cluster: "ECS cluster",
  task_definition: "task definition",
  service: "ECS service",
  scalable_target: "auto scaling target",
  scaling_policy: "auto scaling policy",
  bucket: "S3 bucket",
  build_project: "CodeBuild project",
  pipeline: "pipeline",
  source_connection: "source connection",
  source_object: "source archive",
};

/** The AWS calls of a step, as crates/core/src/plan/diff.rs lists them. */
function calls(kind: ResourceKind, action: Action): string[] {
  if (action === "keep") return [];
  if (action === "replace") return [...calls(kind, "delete"), ...calls(kind, "create")];
  const table: Partial<Record<ResourceKind, Partial<Record<Action, string[]>>>> = {
    network: { read: ["ec2:DescribeVpcs", "ec2:DescribeSubnets"] },
    security_group: {
      create: ["ec2:CreateSecurityGroup", "ec2:AuthorizeSecurityGroupIngress"],
      update: ["ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress"],
      delete: ["ec2:DeleteSecurityGroup"],
    },
    load_balancer: {
      create: ["elasticloadbalancing:CreateLoadBalancer"],
      update: ["elasticloadbalancing:SetSubnets", "elasticloadbalancing:SetSecurityGroups"],
      delete: ["elasticloadbalancing:DeleteLoadBalancer"],
    },
    target_group: {
      create: ["elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes"],
      update: ["elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes"],
      delete: ["elasticloadbalancing:DeleteTargetGroup"],
    },
    listener: {
      create: ["elasticloadbalancing:CreateListener"],
      update: ["elasticloadbalancing:ModifyListener"],
      delete: ["elasticloadbalancing:DeleteListener"],
    },
    role: {
      create: ["iam:CreateRole", "iam:AttachRolePolicy", "iam:PutRolePolicy"],
      update: ["iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePolicy", "iam:DeleteRolePolicy"],
      delete: ["iam:DetachRolePolicy", "iam:DeleteRolePolicy", "iam:DeleteRole"],
    },
    log_group: { create: ["logs:CreateLogGroup", "logs:PutRetentionPolicy"], update: ["logs:PutRetentionPolicy"], delete: ["logs:DeleteLogGroup"] },
    cluster: { create: ["ecs:CreateCluster"], update: ["ecs:UpdateCluster"], delete: ["ecs:DeleteCluster"] },
    task_definition: {
      create: ["ecs:RegisterTaskDefinition", "iam:PassRole"],
      update: ["ecs:RegisterTaskDefinition", "iam:PassRole"],
      delete: ["ecs:DeregisterTaskDefinition"],
    },
    service: { create: ["ecs:CreateService"], update: ["ecs:UpdateService"], delete: ["ecs:UpdateService", "ecs:DeleteService"] },
    scalable_target: {
      create: ["application-autoscaling:RegisterScalableTarget"],
      update: ["application-autoscaling:RegisterScalableTarget"],
      delete: ["application-autoscaling:DeregisterScalableTarget"],
    },
    scaling_policy: {
      create: ["application-autoscaling:PutScalingPolicy"],
      update: ["application-autoscaling:PutScalingPolicy"],
      delete: ["application-autoscaling:DeleteScalingPolicy"],
    },
  };
  return table[kind]?.[action] ?? [];
}

/** Properties whose change replaces the resource (ResourceKind::replace_on). */
const REPLACE_ON: Partial<Record<ResourceKind, string[]>> = {
  security_group: ["vpc_id", "description"],
  load_balancer: ["scheme"],
  target_group: ["port", "protocol", "vpc_id", "target_type"],
  listener: ["load_balancer", "port"],
  role: ["trust"],
  service: ["cluster", "launch_type"],
};

const ID: Record<string, (name: string, app: string) => string> = {
  network: () => VPC,
  "sg-alb": () => "sg-0a1b2c3d4e5f60718",
  "sg-tasks": () => "sg-0f9e8d7c6b5a40312",
  alb: (n) => `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/${n}/50dc6c495c0c9188`,
  tg: (n) => `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/${n}/73e2d6bc24d8a067`,
  "listener-http": (_n, app) => `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:listener/app/${app}/50dc6c495c0c9188/f2f7dc8efc522ab2`,
  "listener-https": (_n, app) => `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:listener/app/${app}/50dc6c495c0c9188/0467ef3c8400ae65`,
  "role-exec": (n) => `arn:aws:iam::${ACCOUNT}:role/${n}`,
  "role-task": (n) => `arn:aws:iam::${ACCOUNT}:role/${n}`,
  logs: (n) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${n}`,
  cluster: (n) => `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${n}`,
  taskdef: (n) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${n}`,
  service: (n, app) => `arn:aws:ecs:${REGION}:${ACCOUNT}:service/${app}/${n}`,
  "scaling-target": (n) => n,
  "scaling-policy": (n) => `arn:aws:autoscaling:${REGION}:${ACCOUNT}:scalingPolicy:2f6e1c1a:resource/ecs/service/${n}`,
};

const taskdefArn = (app: string, revision: number) => `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${app}:${revision}`;

/** The service's resources for a spec, dependencies first (service_resources in Rust). */
function desired(spec: ProjectSpec, image: string): Desired[] {
  const app = spec.app.name;
  const svc = spec.service;
  const https = svc.certificate_arn !== null;
  const out: Desired[] = [
    {
      key: "network",
      kind: "network",
      name: spec.network.vpc_id ?? "default VPC",
      deps: [],
      purpose: "Where everything runs: a VPC and at least two subnets in different availability zones.",
      props: {},
      data: true,
    },
    {
      key: "sg-alb",
      kind: "security_group",
      name: `${app}-alb`,
      deps: ["network"],
      purpose: "Lets the internet reach the load balancer on port 80 (and 443 with HTTPS), nothing else.",
      props: { ingress: https ? "80, 443 from 0.0.0.0/0" : "80 from 0.0.0.0/0" },
    },
    {
      key: "sg-tasks",
      kind: "security_group",
      name: `${app}-tasks`,
      deps: ["network", "sg-alb"],
      purpose: "Lets only the load balancer reach the tasks, on the app's port.",
      props: { ingress: `${spec.app.port} from ${app}-alb` },
    },
    {
      key: "alb",
      kind: "load_balancer",
      name: app.slice(0, 32),
      deps: ["network", "sg-alb"],
      purpose: "The public entry point: an internet-facing Application Load Balancer spread over two or more zones.",
      props: { scheme: "internet-facing" },
    },
    {
      key: "tg",
      kind: "target_group",
      name: `${app.slice(0, 29)}-tg`,
      deps: ["network"],
      purpose: "The list of task IPs the load balancer sends traffic to, each checked on the health path.",
      props: {
        port: String(spec.app.port),
        "health_check.path": spec.app.health_path,
        "health_check.interval_seconds": String(svc.health_check.interval_seconds),
        "health_check.timeout_seconds": String(svc.health_check.timeout_seconds),
        "health_check.matcher": svc.health_check.matcher,
      },
    },
    {
      key: "listener-http",
      kind: "listener",
      name: `${app}:80`,
      deps: ["alb", "tg"],
      purpose: https ? "Answers on port 80 by redirecting to HTTPS." : "Answers on port 80 and forwards every request to the target group.",
      props: { "action.type": https ? "redirect" : "forward" },
    },
  ];
  if (https) {
    out.push({
      key: "listener-https",
      kind: "listener",
      name: `${app}:443`,
      deps: ["alb", "tg"],
      purpose: "Answers HTTPS on port 443 with your certificate and forwards to the target group.",
      props: { certificate_arn: svc.certificate_arn ?? "" },
    });
  }
  out.push({
    key: "role-exec",
    kind: "role",
    name: `${app}-exec`,
    deps: [],
    purpose: "Lets ECS pull your image from ECR and send the app's logs to CloudWatch (the task execution role).",
    props: { trust: "ecs-tasks.amazonaws.com" },
  });
  if (svc.task_role) {
    out.push({
      key: "role-task",
      kind: "role",
      name: `${app}-task`,
      deps: [],
      purpose: "The app's own identity for calling AWS (no permissions until you add them).",
      props: { trust: "ecs-tasks.amazonaws.com" },
    });
  }
  out.push(
    {
      key: "logs",
      kind: "log_group",
      name: `/ecs/${app}`,
      deps: [],
      purpose: "Keeps what the app prints, for as many days as you chose.",
      props: { retention_days: String(svc.log_retention_days) },
    },
    {
      key: "cluster",
      kind: "cluster",
      name: app,
      deps: [],
      purpose: "The ECS cluster: a name for the group of services (Fargate needs no servers in it).",
      props: {},
    },
    {
      key: "taskdef",
      kind: "task_definition",
      name: app,
      deps: ["role-exec", "logs", ...(svc.task_role ? ["role-task"] : [])],
      purpose: "What to run: your image, its port, CPU and memory, logs, environment (awsvpc networking, Fargate).",
      props: {
        cpu: String(svc.cpu),
        memory: String(svc.memory),
        "container.image": image,
        "container.port": String(spec.app.port),
        "container.environment": JSON.stringify(Object.entries(svc.environment).map(([name, value]) => ({ name, value }))),
      },
    },
    {
      key: "service",
      kind: "service",
      name: app,
      deps: ["cluster", "taskdef", "sg-tasks", "tg", "listener-http", "network"],
      purpose: "Keeps the chosen number of tasks running behind the load balancer, replacing failed ones and rolling out new versions.",
      props: {
        desired_count: String(svc.desired_count),
        min_healthy_percent: String(svc.min_healthy_percent),
        max_percent: String(svc.max_percent),
        circuit_breaker: String(svc.circuit_breaker),
        grace_period_seconds: String(svc.grace_period_seconds),
        assign_public_ip: String(spec.network.assign_public_ip),
      },
    },
  );
  if (svc.autoscaling) {
    out.push(
      {
        key: "scaling-target",
        kind: "scalable_target",
        name: `service/${app}/${app}`,
        deps: ["service"],
        purpose: "Lets Application Auto Scaling change the service's task count between the bounds.",
        props: { min: String(svc.autoscaling.min), max: String(svc.autoscaling.max) },
      },
      {
        key: "scaling-policy",
        kind: "scaling_policy",
        name: `${app}-cpu`,
        deps: ["scaling-target"],
        purpose: "Adds tasks when average CPU is above the target and removes them when it is below.",
        props: { cpu_target: String(svc.autoscaling.cpu_target) },
      },
    );
  }
  return out;
}

/** Every resource the project could own (for destroy and leftovers): autoscaling, HTTPS and the task role included. */
function everyPossible(spec: ProjectSpec): Desired[] {
  const all: ProjectSpec = {
    ...spec,
    service: {
      ...spec.service,
      task_role: true,
      certificate_arn: spec.service.certificate_arn ?? "arn:aws:acm:x",
      autoscaling: spec.service.autoscaling ?? { min: 1, max: 1, cpu_target: 50 },
    },
  };
  return desired(all, "");
}

function stateOf(p: MockProject, scenario: string): ServiceState {
  let s = states.get(p.path);
  if (!s) {
    s = { deployed: null, repository: true, drifted: false };
    if (p.spec && (["deployed", "rollback", "drift"].includes(scenario) || scenario.startsWith("pipeline"))) {
      // Running already: the current spec with the previous image (rollback, drift) or the latest.
      const tag = scenario === "rollback" || scenario === "drift" ? OLDER_TAG : LATEST_TAG;
      s.deployed = deployedFrom(desired(p.spec, `${IMAGE_REPO(p.spec.app.name)}:${tag}`), p.spec.app.name, 3);
    }
    states.set(p.path, s);
  }
  return s;
}

/** The project's running service as step 5 needs it (the pipeline deploys to it), or null. */
export function deployedService(p: MockProject, scenario: string): { revision: number; url: string } | null {
  const d = stateOf(p, scenario).deployed;
  if (!d?.resources.service || !p.spec) return null;
  return { revision: d.serviceRevision, url: `http://${p.spec.app.name}-1234567890.${REGION}.elb.amazonaws.com` };
}

function deployedFrom(resources: Desired[], app: string, revision: number): Deployed {
  const d: Deployed = { resources: {}, revision, serviceRevision: revision, events: [] };
  for (const r of resources) if (!r.data) d.resources[r.key] = { id: ID[r.key]?.(r.name, app) ?? r.name, props: { ...r.props } };
  d.events = [event(`(service ${app}) has reached a steady state.`, 4 * 60_000)];
  return d;
}

let eventIds = 0;
function event(message: string, agoMs = 0): ServiceEvent {
  return { id: `e${++eventIds}`, at_ms: Date.now() - agoMs, message };
}

function specOf(p: MockProject): ProjectSpec {
  if (!p.spec) throw { code: "spec_invalid", message: `${p.path} has no slipway.toml yet.`, hint: "Generate it in step 1." };
  return p.spec;
}

/** The image a plan deploys: the one asked for, else the newest pushed to the repository. */
function resolveImage(p: MockProject, image: string | null): string {
  const spec = specOf(p);
  return image ?? `${IMAGE_REPO(spec.app.name)}:${LATEST_TAG}`;
}

function planOf(p: MockProject, scenario: string, image: string): Plan {
  const spec = specOf(p);
  const app = spec.app.name;
  const have = stateOf(p, scenario).deployed;
  const steps: PlanStep[] = [];
  let taskdefChanges = false;
  for (const want of desired(spec, image)) {
    const current = have?.resources[want.key];
    const base = { key: want.key, kind: want.kind, name: want.name, purpose: want.purpose, deps: want.deps };
    if (want.data) {
      steps.push({ ...base, action: "read", reason: `uses ${VPC} (default VPC)`, changes: [], calls: calls(want.kind, "read"), id: VPC });
      continue;
    }
    if (!current) {
      steps.push({ ...base, action: "create", reason: `no ${LABEL[want.kind]} named ${want.name} exists yet`, changes: [], calls: calls(want.kind, "create"), id: null });
      continue;
    }
    const changes: FieldChange[] = Object.entries(want.props)
      .filter(([k, v]) => current.props[k] !== v)
      .map(([field, to]) => ({ field, from: current.props[field] ?? null, to }));
    if (want.key === "service" && taskdefChanges) {
      // The new revision's ARN exists only once the task definition is registered.
      changes.push({ field: "task_definition", from: taskdefArn(app, have!.serviceRevision), to: null });
    } else if (want.key === "service" && have!.serviceRevision !== have!.revision) {
      changes.push({ field: "task_definition", from: taskdefArn(app, have!.serviceRevision), to: taskdefArn(app, have!.revision) });
    }
    const fields = changes.map((c) => c.field);
    const id = want.key === "taskdef" ? taskdefArn(app, have!.revision) : current.id;
    if (changes.length === 0) {
      steps.push({ ...base, action: "keep", reason: "already as wanted", changes, calls: [], id });
    } else if (fields.some((f) => (REPLACE_ON[want.kind] ?? []).some((r) => f === r || f.startsWith(`${r}.`)))) {
      steps.push({ ...base, action: "replace", reason: `${fields.join(", ")} cannot change in place`, changes, calls: calls(want.kind, "replace"), id });
    } else {
      if (want.key === "taskdef") taskdefChanges = true;
      const reason =
        want.key === "taskdef"
          ? `${fields.join(", ")} changed: registers a new revision`
          : want.key === "service"
            ? `${fields.join(", ")} changed: updates the service (a rolling deployment when the task definition changes)`
            : `${fields.join(", ")} changed`;
      steps.push({ ...base, action: "update", reason, changes, calls: calls(want.kind, "update"), id });
    }
  }
  // Owned resources no longer wanted go last, dependents first.
  const wanted = new Set(steps.map((s) => s.key));
  let previous: string | null = null;
  for (const left of everyPossible(spec).reverse()) {
    const current = have?.resources[left.key];
    if (!current || wanted.has(left.key)) continue;
    steps.push({
      key: left.key,
      kind: left.kind,
      name: left.name,
      action: "delete",
      reason: "belongs to the project but is no longer in the spec",
      purpose: "",
      changes: [],
      calls: calls(left.kind, "delete"),
      deps: previous ? [previous] : [],
      id: current.id,
    });
    previous = left.key;
  }
  return { project: app, steps, critical_path: criticalPath(steps) };
}

/** The running cost, as crates/core/src/cost.rs prices it for us-east-1. */
function cost(spec: ProjectSpec): CostEstimate {
  const svc = spec.service;
  const tasks = svc.desired_count;
  const vcpu = svc.cpu / 1024;
  const gb = svc.memory / 1024;
  const money = (x: number) => (x >= 1 ? `$${x.toFixed(2)}` : `$${x.toFixed(5)}`);
  const taskIps = spec.network.assign_public_ip ? tasks : 0;
  const lines = [
    { item: "Fargate vCPU (x86)", detail: `${tasks} tasks × ${vcpu} vCPU × ${money(0.04048)}/h`, hourly: tasks * vcpu * 0.04048 },
    { item: "Fargate memory (x86)", detail: `${tasks} tasks × ${gb} GB × ${money(0.004445)}/h`, hourly: tasks * gb * 0.004445 },
    { item: "Application Load Balancer", detail: `${money(0.0225)}/h`, hourly: 0.0225 },
    { item: "Load balancer capacity (LCU)", detail: `about 0.5 LCU × ${money(0.008)}/h`, hourly: 0.004 },
    { item: "Public IPv4 addresses", detail: `2 (load balancer) + ${taskIps} (tasks) × ${money(0.005)}/h`, hourly: (2 + taskIps) * 0.005 },
    { item: "CloudWatch Logs ingestion", detail: `about 1 GB/month × ${money(0.5)}/GB`, hourly: 0.5 / 730 },
  ];
  const hourly = lines.reduce((s, l) => s + l.hourly, 0);
  const assumptions = [
    "Light traffic: about 0.5 load balancer capacity units per hour and 1 GB of logs a month.",
    "Data transfer and the free tier are not counted.",
  ];
  if (svc.autoscaling) assumptions.push(`Auto scaling may run up to ${svc.autoscaling.max} tasks: then the Fargate lines grow in proportion.`);
  return {
    region: REGION,
    region_priced: true,
    lines,
    hourly,
    daily: hourly * 24,
    monthly: hourly * 730,
    assumptions,
    source:
      "AWS on-demand list prices as published in 2025-01 (aws.amazon.com/fargate/pricing, /elasticloadbalancing/pricing, /vpc/pricing, /cloudwatch/pricing)",
  };
}

export function planService(p: MockProject, scenario: string, image: string | null): ServicePlan {
  const resolved = resolveImage(p, image);
  return { plan: planOf(p, scenario, resolved), cost: cost(specOf(p)), image: resolved };
}

const changing = (plan: Plan) =>
  plan.steps
    .filter((s) => s.action !== "keep" && s.action !== "read")
    .map((s) => `${s.key}:${s.action}`)
    .sort()
    .join(",");

/** How long a step takes in the mock (the load balancer and the service are the slow ones). */
function duration(step: PlanStep): number {
  const base: Partial<Record<ResourceKind, number>> = {
    network: 180,
    security_group: 320,
    load_balancer: 1250,
    target_group: 420,
    listener: 380,
    role: 560,
    log_group: 220,
    cluster: 300,
    task_definition: 260,
    service: 700,
    scalable_target: 240,
    scaling_policy: 200,
  };
  return step.action === "delete" && step.kind === "service" ? 900 : (base[step.kind] ?? 300);
}

/** Walks a plan with the mock's step durations and ids. */
function walk(plan: Plan, operation: string, send: (e: ApplyEvent) => void, fail: { key: string; error: ErrorBody } | null): Promise<ApplyReport> {
  return walkPlan(plan, operation, send, { duration, idOf: (step) => step.id ?? ID[step.key]?.(step.name, plan.project) ?? step.name, fail });
}

function passRoleDenied(app: string): ErrorBody {
  return {
    code: "access_denied",
    message: `ecs:RegisterTaskDefinition was denied: User: arn:aws:iam::${ACCOUNT}:user/lan is not authorized to perform: iam:PassRole on resource: arn:aws:iam::${ACCOUNT}:role/${app}-exec because no identity-based policy allows the iam:PassRole action.`,
    hint: `Ask your AWS administrator to allow iam:PassRole on arn:aws:iam::${ACCOUNT}:role/${app}-exec (ECS needs it to hand the role to your tasks). Then press Apply again: the steps that finished are kept.`,
  };
}

// --- Service health: what ECS and the target group report ---------------------------------

interface Look {
  deployments: DeploymentInfo[];
  tasks: TaskInfo[];
  targets: TargetInfo[];
  note: string | null;
  events?: string[];
}

const IPS = ["10.0.1.23", "10.0.2.41", "10.0.1.87", "10.0.2.112"];
const AZS = ["us-east-1a", "us-east-1b"];
const TASK_IDS = ["8f14e45fceea4e0b", "c9f0f895fb98ab91", "45c48cce2e2d7fbd", "d3d9446802a44259", "6512bd43d9caa6e0", "c20ad4d76fe97759"];

function task(i: number, app: string, revision: number, status: string, stopped: string | null = null): TaskInfo {
  const id = TASK_IDS[i % TASK_IDS.length]!;
  return {
    arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task/${app}/${id}`,
    id,
    last_status: status,
    desired_status: stopped ? "STOPPED" : "RUNNING",
    health: status === "RUNNING" ? "HEALTHY" : null,
    availability_zone: AZS[i % 2]!,
    private_ip: status === "PROVISIONING" ? null : IPS[i % IPS.length]!,
    task_definition: taskdefArn(app, revision),
    started_by: `ecs-svc/${revision}`,
    started_ms: Date.now() - 30_000,
    stopped_ms: stopped ? Date.now() : null,
    stopped_reason: stopped,
    stop_code: stopped ? (stopped.startsWith("Scaling") ? "ServiceSchedulerInitiated" : "EssentialContainerExited") : null,
    containers: [{ name: app, last_status: status, exit_code: stopped ? (stopped.startsWith("Scaling") ? 0 : 1) : null, reason: null, health: null }],
  };
}

function deployment(id: string, app: string, status: string, revision: number, desired: number, running: number, pending: number, rollout: string | null, reason: string | null = null, failed = 0): DeploymentInfo {
  return {
    id: `ecs-svc/${id}`,
    status,
    rollout_state: rollout,
    rollout_reason: reason,
    task_definition: taskdefArn(app, revision),
    desired,
    running,
    pending,
    failed,
    created_ms: Date.now() - 20_000,
    updated_ms: Date.now(),
  };
}

const target = (i: number, port: number, state: string, reason: string | null = null): TargetInfo => ({
  id: IPS[i % IPS.length]!,
  port,
  state,
  reason,
  description: reason === "Elb.RegistrationInProgress" ? "Target registration is in progress" : reason === "Target.DeregistrationInProgress" ? "Target deregistration is in progress" : null,
});

function health(app: string, desiredCount: number, revision: number, look: Look, events: ServiceEvent[]): ServiceHealth {
  const running = look.deployments.reduce((s, d) => s + d.running, 0);
  const pending = look.deployments.reduce((s, d) => s + d.pending, 0);
  return {
    cluster: app,
    service: app,
    status: "ACTIVE",
    desired: desiredCount,
    running,
    pending,
    task_definition: taskdefArn(app, revision),
    deployments: look.deployments,
    tasks: look.tasks,
    targets: look.targets,
    events: [...events],
    observed_ms: Date.now(),
  };
}

/** The service as it stands when nothing is rolling out. */
function steadyHealth(p: MockProject, d: Deployed): ServiceHealth {
  const spec = specOf(p);
  const app = spec.app.name;
  const n = spec.service.desired_count;
  const rev = d.serviceRevision;
  return health(
    app,
    n,
    rev,
    {
      deployments: [deployment(String(rev), app, "PRIMARY", rev, n, n, 0, "COMPLETED")],
      tasks: Array.from({ length: n }, (_, i) => task(i, app, rev, "RUNNING")),
      targets: Array.from({ length: n }, (_, i) => target(i, spec.app.port, "healthy")),
      note: null,
    },
    d.events,
  );
}

function missing(p: MockProject): ServiceHealth {
  const app = specOf(p).app.name;
  return { cluster: app, service: app, status: "MISSING", desired: 0, running: 0, pending: 0, task_definition: "", deployments: [], tasks: [], targets: [], events: [], observed_ms: Date.now() };
}

export function serviceHealth(p: MockProject, scenario: string): ServiceHealth {
  const d = stateOf(p, scenario).deployed;
  return d && d.resources.service ? steadyHealth(p, d) : missing(p);
}

/** The looks of a rollout: a first start, a rolling update, or one the circuit breaker rolls back. */
function rolloutLooks(p: MockProject, before: number, after: number, first: boolean, failing: boolean): Look[] {
  const spec = specOf(p);
  const app = spec.app.name;
  const port = spec.app.port;
  const n = spec.service.desired_count;
  const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => `(task ${TASK_IDS[(from + i) % TASK_IDS.length]})`).join(" ");
  const tasks = (from: number, count: number, rev: number, status: string, stopped: string | null = null) =>
    Array.from({ length: count }, (_, i) => task(from + i, app, rev, status, stopped));
  const targets = (from: number, count: number, state: string, reason: string | null = null) => Array.from({ length: count }, (_, i) => target(from + i, port, state, reason));
  const newDep = (running: number, pending: number, rollout = "IN_PROGRESS", reason: string | null = null, failedCount = 0) =>
    deployment(String(after), app, "PRIMARY", after, n, running, pending, rollout, reason, failedCount);
  if (first) {
    return [
      { deployments: [newDep(0, n)], tasks: tasks(0, n, after, "PROVISIONING"), targets: [], note: `0 of ${n} tasks running, 0 healthy targets`, events: [`(service ${app}) has started ${n} tasks: ${ids(0, n)}.`] },
      { deployments: [newDep(1, n - 1)], tasks: [...tasks(0, 1, after, "RUNNING"), ...tasks(1, n - 1, after, "PENDING")], targets: targets(0, 1, "initial", "Elb.RegistrationInProgress"), note: `1 of ${n} tasks running`, events: [`(service ${app}) registered 1 targets in (target-group ${ID.tg!(`${app}-tg`, app)})`] },
      { deployments: [newDep(n, 0)], tasks: tasks(0, n, after, "RUNNING"), targets: targets(0, n, "initial", "Elb.RegistrationInProgress"), note: `${n} of ${n} tasks running`, events: [`(service ${app}) registered ${n - 1} targets in (target-group ${ID.tg!(`${app}-tg`, app)})`] },
      { deployments: [newDep(n, 0)], tasks: tasks(0, n, after, "RUNNING"), targets: [...targets(0, 1, "healthy"), ...targets(1, n - 1, "initial", "Elb.RegistrationInProgress")], note: "1 healthy targets" },
      { deployments: [newDep(n, 0, "COMPLETED")], tasks: tasks(0, n, after, "RUNNING"), targets: targets(0, n, "healthy"), note: `${n} healthy targets; (service ${app}) has reached a steady state.`, events: [`(service ${app}) has reached a steady state.`] },
    ];
  }
  const old = (running: number) => deployment(String(before), app, "ACTIVE", before, n, running, 0, "COMPLETED");
  const oldTasks = tasks(0, n, before, "RUNNING");
  if (failing) {
    const exited = "Essential container in task exited";
    const stoppedNew = (i: number) => task(n + i, app, after, "STOPPED", exited);
    return [
      { deployments: [newDep(0, n), old(n)], tasks: [...oldTasks, ...tasks(n, n, after, "PROVISIONING")], targets: targets(0, n, "healthy"), note: `${n} starting; (service ${app}) has started ${n} tasks: ${ids(n, n)}.`, events: [`(service ${app}) has started ${n} tasks: ${ids(n, n)}.`] },
      { deployments: [newDep(0, 0, "IN_PROGRESS", null, 1), old(n)], tasks: [...oldTasks, stoppedNew(0)], targets: targets(0, n, "healthy"), note: `task ${TASK_IDS[n]} stopped: ${exited}`, events: [`(service ${app}) has stopped 1 running tasks: ${ids(n, 1)}.`] },
      { deployments: [newDep(0, 1, "IN_PROGRESS", null, 2), old(n)], tasks: [...oldTasks, stoppedNew(0), stoppedNew(1)], targets: targets(0, n, "healthy"), note: `task ${TASK_IDS[n + 1]} stopped: ${exited}` },
      {
        deployments: [newDep(0, 0, "FAILED", "ECS deployment circuit breaker: tasks failed to start.", 3), deployment(String(before), app, "ACTIVE", before, n, n, 0, "IN_PROGRESS")],
        tasks: [...oldTasks, stoppedNew(0), stoppedNew(1), stoppedNew(2)],
        targets: targets(0, n, "healthy"),
        note: `(service ${app}) (deployment ecs-svc/${after}) deployment failed: tasks failed to start.`,
        events: [`(service ${app}) (deployment ecs-svc/${after}) deployment failed: tasks failed to start.`, `(service ${app}) rolling back to deployment ecs-svc/${before}.`],
      },
    ];
  }
  return [
    { deployments: [newDep(0, n), old(n)], tasks: [...oldTasks, ...tasks(n, n, after, "PROVISIONING")], targets: targets(0, n, "healthy"), note: `${n} starting; (service ${app}) has started ${n} tasks: ${ids(n, n)}.`, events: [`(service ${app}) has started ${n} tasks: ${ids(n, n)}.`] },
    { deployments: [newDep(n, 0), old(n)], tasks: [...oldTasks, ...tasks(n, n, after, "RUNNING")], targets: [...targets(0, n, "healthy"), ...targets(n, n, "initial", "Elb.RegistrationInProgress")], note: `${2 * n} of ${n} tasks running` },
    { deployments: [newDep(n, 0), old(n)], tasks: [...oldTasks, ...tasks(n, n, after, "RUNNING")], targets: targets(0, 2 * n, "healthy"), note: `${2 * n} healthy targets` },
    {
      deployments: [newDep(n, 0), old(0)],
      tasks: [...tasks(0, n, before, "STOPPED", "Scaling activity initiated by (deployment ecs-svc/" + after + ")"), ...tasks(n, n, after, "RUNNING")],
      targets: [...targets(0, n, "draining", "Target.DeregistrationInProgress"), ...targets(n, n, "healthy")],
      note: `${n} of ${n} tasks running; (service ${app}) has stopped ${n} running tasks: ${ids(0, n)}.`,
      events: [`(service ${app}) has stopped ${n} running tasks: ${ids(0, n)}.`],
    },
    { deployments: [newDep(n, 0, "COMPLETED")], tasks: tasks(n, n, after, "RUNNING"), targets: targets(n, n, "healthy"), note: `${n} healthy targets; (service ${app}) has reached a steady state.`, events: [`(service ${app}) has reached a steady state.`] },
  ];
}

export async function applyService(p: MockProject, scenario: string, image: string, expected: Plan, operation: string, channel: Channel<DeployEvent>): Promise<DeployOutcome> {
  const spec = specOf(p);
  const app = spec.app.name;
  const state = stateOf(p, scenario);
  if (scenario === "drift" && !state.drifted && state.deployed) {
    // Someone deleted the log group in the console after the plan was shown.
    state.drifted = true;
    delete state.deployed.resources.logs;
  }
  const plan = planOf(p, scenario, image);
  if (changing(plan) !== changing(expected)) {
    throw { code: "invalid_input", message: "What exists changed since the plan was made; nothing was applied.", hint: "Look at the new plan and confirm it again." };
  }
  operations.add(operation);
  const send = sender(channel);
  const fail = scenario === "apply-fails" ? { key: "taskdef", error: passRoleDenied(app) } : null;
  const report = await walk(plan, operation, (event) => send({ phase: "apply", event }), fail);
  const outcome: DeployOutcome = { report, url: null, health: null, rollout_error: null, cost: cost(spec) };
  // What was made stays made (idempotent steps: applying again resumes).
  const before = state.deployed;
  const d: Deployed = before ?? { resources: {}, revision: 0, serviceRevision: 0, events: [] };
  const wanted = desired(spec, image);
  const taskdefChanged = report.done.includes("taskdef");
  for (const key of report.done) {
    const step = plan.steps.find((s) => s.key === key)!;
    if (step.action === "delete") delete d.resources[key];
    const w = wanted.find((x) => x.key === key);
    if (w && !w.data && step.action !== "delete") d.resources[key] = { id: ID[key]?.(w.name, app) ?? w.name, props: { ...w.props } };
  }
  if (taskdefChanged) d.revision += 1;
  state.deployed = Object.keys(d.resources).length ? d : null;
  if (!report.failed && !report.cancelled && state.deployed) {
    outcome.url = `http://${app}-1234567890.${REGION}.elb.amazonaws.com`;
    const serviceTouched = report.done.includes("service");
    const previous = d.serviceRevision;
    const failing = scenario === "rollback" && taskdefChanged && previous > 0;
    if (serviceTouched || taskdefChanged) {
      const looks = rolloutLooks(p, previous, d.revision, previous === 0, failing);
      const started = Date.now();
      for (const [i, look] of looks.entries()) {
        if (i > 0) await sleep(380);
        if (cancelled.has(operation)) {
          outcome.rollout_error = { code: "cancelled", message: "Stopped waiting for the service; it keeps rolling out on AWS.", hint: "Watch it in the Monitor step, or run `slipway status`." };
          break;
        }
        for (const m of look.events ?? []) d.events.unshift(event(m));
        const last = i === looks.length - 1;
        const h = health(app, spec.service.desired_count, last && failing ? previous : d.revision, look, d.events.slice(0, 8));
        send({ phase: "rollout", update: { health: h, steady: last && !failing, note: look.note, elapsed_ms: Date.now() - started } });
        outcome.health = h;
      }
      if (failing && !outcome.rollout_error) {
        outcome.rollout_error = {
          code: "aws_call_failed",
          message: "The deployment failed and was rolled back: ECS deployment circuit breaker: tasks failed to start. Tasks stopped because: Essential container in task exited; Essential container in task exited; Essential container in task exited",
          hint: "Open the Monitor step: the health map shows the failed tasks and why they stopped.",
        };
      } else if (!outcome.rollout_error) {
        d.serviceRevision = d.revision;
      }
    } else {
      outcome.health = steadyHealth(p, d);
    }
  }
  operations.delete(operation);
  return outcome;
}

export function planDestroy(p: MockProject, scenario: string, keepLogs: boolean): DestroyPlan {
  const spec = specOf(p);
  const state = stateOf(p, scenario);
  const universe = everyPossible(spec);
  const have = state.deployed?.resources ?? {};
  const steps: PlanStep[] = [];
  for (const want of [...universe].reverse()) {
    const current = have[want.key];
    if (!current || want.data || (keepLogs && want.kind === "log_group")) continue;
    steps.push({
      key: want.key,
      kind: want.kind,
      name: want.name,
      action: "delete",
      reason: "belongs to the project",
      purpose: want.purpose,
      changes: [],
      calls: calls(want.kind, "delete"),
      // A resource goes after everything that depends on it.
      deps: universe.filter((u) => u.deps.includes(want.key)).map((u) => u.key),
      id: want.key === "taskdef" ? taskdefArn(spec.app.name, state.deployed!.revision) : current.id,
    });
  }
  return { plan: { project: spec.app.name, steps, critical_path: criticalPath(steps) }, repository: state.repository ? (spec.image.repository ?? spec.app.name) : null };
}

export async function destroyService(p: MockProject, scenario: string, keepLogs: boolean, keepRepository: boolean, operation: string, channel: Channel<ApplyEvent>): Promise<DestroyOutcome> {
  const state = stateOf(p, scenario);
  const { plan } = planDestroy(p, scenario, keepLogs);
  operations.add(operation);
  const report = await walk(plan, operation, sender(channel), null);
  operations.delete(operation);
  if (state.deployed) {
    for (const key of report.done) delete state.deployed.resources[key];
    // A kept log group stays known, so a later plan keeps it instead of creating it again.
    if (Object.keys(state.deployed.resources).length === 0) state.deployed = null;
  }
  let repositoryDeleted = false;
  if (!keepRepository && !report.failed && !report.cancelled && state.repository) {
    state.repository = false;
    repositoryDeleted = true;
  }
  const left = Object.entries(state.deployed?.resources ?? {})
    .filter(([k]) => !(keepLogs && k === "logs"))
    .map(([, r]) => r.id);
  return { report, left, repository_deleted: repositoryDeleted };
}

/** slipway.toml's service and network rules (crates/core/src/spec/service.rs), as save_spec applies them. */
export function checkSpec(spec: ProjectSpec): void {
  const problems: [string, string][] = [];
  const s = spec.service;
  const n = spec.network;
  const options = memoryOptions(s.cpu);
  if (options.length === 0) problems.push(["service.memory", `${s.cpu} is not a Fargate CPU size; use one of 256, 512, 1024, 2048, 4096, 8192, 16384 (1024 = 1 vCPU)`]);
  else if (!options.includes(s.memory)) problems.push(["service.memory", `${s.memory} MiB does not go with ${s.cpu} CPU units`]);
  if (s.max_percent === 100 && s.min_healthy_percent === 100) {
    problems.push(["service.max_percent", "with min_healthy_percent = 100 and max_percent = 100 a deployment can neither stop an old task nor start a new one; raise max_percent (e.g. 200) or lower min_healthy_percent"]);
  }
  if (s.certificate_arn !== null && !(s.certificate_arn.startsWith("arn:aws") && s.certificate_arn.includes(":acm:"))) {
    problems.push(["service.certificate_arn", `'${s.certificate_arn}' is not an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID)`]);
  }
  if (n.vpc_id !== null && !n.vpc_id.startsWith("vpc-")) problems.push(["network.vpc_id", `'${n.vpc_id}' is not a VPC id (vpc-...)`]);
  if (n.subnets.length > 0) {
    if (n.subnets.length < 2) problems.push(["network.subnets", "a load balancer needs at least two subnets in different availability zones"]);
    const bad = n.subnets.find((x) => !x.startsWith("subnet-"));
    if (bad) problems.push(["network.subnets", `'${bad}' is not a subnet id (subnet-...)`]);
    if (n.vpc_id === null) problems.push(["network.vpc_id", "set the VPC the subnets belong to"]);
  }
  if (problems.length > 0) {
    throw {
      code: "spec_invalid",
      message: `slipway.toml has ${problems.length} problem(s): ${problems.map(([f, m]) => `${f}: ${m}`).join("; ")}`,
      hint: `Correct ${problems[0]![0]} in slipway.toml.`,
    };
  }
}

/** Whether the command is step 4's (cancel only for the mock's own operations). */
export function handles(cmd: string, args: Record<string, unknown>): boolean {
  if (cmd === "cancel_operation") return operations.has(String(args.operation));
  return ["plan_service", "apply_service", "service_health", "plan_destroy", "destroy_service"].includes(cmd);
}

export async function dispatch(cmd: string, a: Record<string, unknown>, folder: (path: unknown) => MockProject, scenario: string): Promise<unknown> {
  const p = () => folder(a.path);
  switch (cmd) {
    case "plan_service":
      await sleep(350);
      return planService(p(), scenario, (a.image as string | null) ?? null);
    case "apply_service":
      return applyService(p(), scenario, String(a.image), a.expected as Plan, String(a.operation), a.onEvent as Channel<DeployEvent>);
    case "service_health":
      await sleep(120);
      return serviceHealth(p(), scenario);
    case "plan_destroy":
      await sleep(250);
      return planDestroy(p(), scenario, Boolean(a.keepLogs));
    case "destroy_service":
      return destroyService(p(), scenario, Boolean(a.keepLogs), Boolean(a.keepRepository), String(a.operation), a.onEvent as Channel<ApplyEvent>);
    case "cancel_operation":
      cancelled.add(String(a.operation));
      return true;
    default:
      throw { code: "internal", message: `the mock's step 4 does not know '${cmd}'`, hint: "" };
  }
}

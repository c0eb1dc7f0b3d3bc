// A mocked backend for browser tests and UI work without Rust: it answers the real command
// names through Tauri's mock IPC layer (@tauri-apps/api/mocks), streams doctor checks, builds
// and local runs through the real Channel ordering protocol, and plays named scenarios
// (?scenario=docker-down | empty | build-fails | smoke-fails | disk-changed, step 3's in
// registry.ts: push-tag-exists | push-auth | registry-drift, step 4's in service.ts and step 5's
// in pipeline.ts: pipeline | pipeline-runs | pipeline-practice | pipeline-buildspec, step 6's in
// monitor.ts: monitor-rollout | monitor-rollback | monitor-pipeline-fail | monitor-bench, Lab
// mode's in labs.ts: labs | labs-fail).
import { mockIPC } from "@tauri-apps/api/mocks";
import type { Channel } from "@tauri-apps/api/core";
import type { BuildEvent, BuildForm, ConnectionInfo, DoctorCheck, InitForm, ProfileSummary, ProjectSummary, PushProgress, RunEvent, Settings } from "../lib/bindings";
import * as build from "./build";
import * as labs from "./labs";
import * as monitor from "./monitor";
import * as pipeline from "./pipeline";
import * as project from "./project";
import * as registry from "./registry";
import * as service from "./service";

const ACCOUNT = "123456789012";

function checks(scenario: string): DoctorCheck[] {
  const ok = (id: string, group: DoctorCheck["group"], detail: string, ms: number): DoctorCheck => ({
    id, group, status: "ok", detail, error: null, duration_ms: ms,
  });
  const all = [
    ok("docker.engine", "docker", "Docker 20.10.24 (API 1.41) at unix:///var/run/docker.sock", 12),
    ok("practice.base_image", "practice", "slipway/base:practice", 3),
    ok("aws.profile", "aws", "practice", 1),
    ok("aws.region", "aws", "us-east-1", 0),
    ok("aws.credentials", "aws", `account ${ACCOUNT} (arn:aws:sts::${ACCOUNT}:user/moto)`, 41),
    ok("practice.aws_endpoint", "practice", "moto at http://127.0.0.1:4566", 5),
    ok("practice.registry", "practice", "registry at 127.0.0.1:5050 (basic auth)", 9),
  ];
  if (scenario === "docker-down") {
    all[0] = {
      id: "docker.engine", group: "docker", status: "fail", detail: null, duration_ms: 4,
      error: {
        code: "docker_unreachable",
        message: "No Docker engine answers. Tried: unix:///var/run/docker.sock, unix:///run/user/1000/podman/podman.sock.",
        hint: "Start Docker (Linux: `sudo systemctl start docker`; Docker Desktop: open it), or set DOCKER_HOST to the engine's socket.",
      },
    };
    all[1] = { id: "practice.base_image", group: "practice", status: "skipped", detail: "needs a Docker engine", error: null, duration_ms: 0 };
  }
  return all;
}

export function installMockBackend(scenario: string): void {
  // Step 5's scenarios but the practice one run against an AWS account (the emulator builds and
  // deploys nothing, so runs would have nothing to show): the default profile, in us-east-1.
  // Step 6's scenarios too: the zero-downtime check needs a real load balancer.
  const real = (scenario.startsWith("pipeline") && scenario !== "pipeline-practice") || scenario.startsWith("monitor");
  let settings: Settings = { language: "en", theme: "system", profile: real ? "default" : "practice", region: real ? "us-east-1" : null };
  const now = Date.now();
  let recent: ProjectSummary[] =
    scenario === "empty"
      ? []
      : [
          { path: "/home/lan/shop-api", name: "shop-api", last_opened_ms: now - 5 * 60_000, has_spec: true },
          { path: "/home/lan/week7-lab", name: "week7-lab", last_opened_ms: now - 3 * 86_400_000, has_spec: false },
        ];
  const profiles: ProfileSummary[] = [
    { name: "practice", kind: "practice", region: "us-east-1" },
    { name: "default", kind: "static_keys", region: "ap-southeast-1" },
    { name: "lab-sso", kind: "sso", region: "ap-southeast-1" },
  ];
  const connection = (profile: string, region: string | null): ConnectionInfo => ({
    profile,
    practice: profile === "practice",
    region: region ?? profiles.find((p) => p.name === profile)?.region ?? null,
    account: ACCOUNT,
    arn: `arn:aws:sts::${ACCOUNT}:user/moto`,
    endpoint: profile === "practice" ? "http://127.0.0.1:4566" : null,
  });

  // Project folders, in memory, made on first use.
  const folders = new Map<string, project.MockProject>();
  const folder = (path: unknown): project.MockProject => {
    const p = String(path);
    if (!p.startsWith("/")) throw { code: "invalid_input", message: `'${p}' is not an absolute path`, hint: "Pick the folder with the Open button." };
    if (!folders.has(p)) {
      const made = project.makeProject(p);
      pipeline.seed(made, scenario);
      labs.seed(made, scenario);
      folders.set(p, made);
    }
    return folders.get(p)!;
  };
  let diskChanged = false;

  mockIPC(async (cmd, args) => {
    const a = (args ?? {}) as Record<string, unknown>;
    if (monitor.handles(cmd, a, scenario)) return monitor.dispatch(cmd, a, folder, scenario, settings.profile === "practice");
    if (service.handles(cmd, a)) return service.dispatch(cmd, a, folder, scenario);
    if (pipeline.handles(cmd, a)) return pipeline.dispatch(cmd, a, folder, scenario, settings.profile === "practice");
    if (labs.handles(cmd)) return labs.dispatch(cmd, a, folder, scenario, settings.profile === "practice");
    switch (cmd) {
      case "detect_stack":
        await new Promise((r) => setTimeout(r, 120));
        return project.detect(folder(a.path));
      case "load_spec":
        return project.loadSpec(folder(a.path));
      case "save_spec": {
        const p = folder(a.path);
        registry.checkImageSpec(a.spec as NonNullable<typeof p.spec>);
        service.checkSpec(a.spec as NonNullable<typeof p.spec>);
        pipeline.checkSpec(a.spec as NonNullable<typeof p.spec>);
        p.spec = a.spec as typeof p.spec;
        return p.spec;
      }
      case "plan_init":
        await new Promise((r) => setTimeout(r, 150));
        return project.planInit(folder(a.path), a.form as InitForm);
      case "write_init":
        return project.writeInit(folder(a.path), a.form as InitForm, a.files as string[], a.overwrite as string[]);
      case "read_project_file":
        return folder(a.path).files[String(a.name)] ?? null;
      case "save_project_file": {
        const p = folder(a.path);
        const name = String(a.name);
        // ?scenario=disk-changed: another editor saved the file just before the first save.
        if (scenario === "disk-changed" && !diskChanged && p.files[name] !== undefined) {
          diskChanged = true;
          p.files[name] = `# Edited in another editor.\n${p.files[name]}`;
        }
        if ((p.files[name] ?? null) !== a.expected) {
          throw { code: "would_overwrite", message: `${name} changed on disk since it was opened; nothing was saved.`, hint: "Reload the file to see the other change, then make yours again." };
        }
        p.files[name] = String(a.text);
        return null;
      }
      case "lint_dockerfile":
        await new Promise((r) => setTimeout(r, 40));
        return project.lint(String(a.text), (a.port as number | null) ?? null);
      case "context_summary":
        project.loadSpec(folder(a.path));
        await new Promise((r) => setTimeout(r, 100));
        return build.contextSummary(folder(a.path));
      case "build_image":
        project.loadSpec(folder(a.path));
        return build.buildImage(folder(a.path), scenario, a.form as BuildForm, String(a.operation), a.onEvent as Channel<BuildEvent>);
      case "cancel_operation":
        registry.cancelOperation(String(a.operation));
        return build.cancelOperation(String(a.operation));
      case "image_layers":
        return build.imageLayers(folder(a.path));
      case "run_local":
        return build.runLocal(folder(a.path), scenario, (a.image as string | null) ?? null, String(a.operation), a.onEvent as Channel<RunEvent>);
      case "stop_local":
        return build.stopLocal(folder(a.path));
      case "ecr_repository":
        await new Promise((r) => setTimeout(r, 80));
        return registry.ecrRepository(folder(a.path), scenario);
      case "list_repositories":
        return registry.listRepositories();
      case "local_builds":
        return registry.localBuilds(folder(a.path));
      case "push_image":
        return registry.pushImage(folder(a.path), scenario, settings.profile === "practice", (a.image as string | null) ?? null, String(a.operation), a.onEvent as Channel<PushProgress>);
      case "list_images":
        await new Promise((r) => setTimeout(r, 80));
        return registry.listImages(folder(a.path), scenario);
      case "scan_report":
        await new Promise((r) => setTimeout(r, 120));
        return registry.scanReport(folder(a.path), scenario, String(a.digest));
      case "app_info":
        return { version: "0.1.0", data_dir: "/home/lan/.local/share/dev.slipway.desktop", log_dir: "/home/lan/.local/share/dev.slipway.desktop/logs", practice_stack: true };
      case "get_settings":
        return settings;
      case "save_settings": {
        const next = a.settings as Settings;
        if (next.region && !/^[a-z]+(-[a-z]+){1,2}-\d+$/.test(next.region)) {
          throw { code: "invalid_input", message: `'${next.region}' is not an AWS region name.`, hint: "Use a region code such as ap-southeast-1." };
        }
        settings = next;
        return settings;
      }
      case "list_profiles":
        return profiles;
      case "connect": {
        const profile = a.profile as string;
        if (profile === "lab-sso") {
          throw {
            code: "aws_sso_login_required",
            message: "Profile 'lab-sso' signs in through IAM Identity Center (SSO) and its session is missing or expired.",
            hint: "Run `aws sso login --profile lab-sso` in a terminal, then connect again.",
          };
        }
        settings = { ...settings, profile, region: (a.region as string | null) ?? null };
        return connection(profile, settings.region);
      }
      case "current_connection":
        return connection(settings.profile, settings.region);
      case "run_doctor": {
        const channel = a.onCheck as Channel<DoctorCheck>;
        const list = checks(scenario);
        for (const [index, message] of list.entries()) {
          await new Promise((r) => setTimeout(r, 60));
          window.__TAURI_INTERNALS__.runCallback(channel.id, { index, message });
        }
        return { profile: settings.profile, ok: list.every((c) => c.status !== "fail"), checks: list };
      }
      case "recent_projects":
        return recent;
      case "open_project": {
        const path = a.path as string;
        if (!path.startsWith("/")) throw { code: "invalid_input", message: `'${path}' is not an absolute path`, hint: "Pick the folder with the Open button." };
        const p = { path, name: path.split("/").pop() ?? path, last_opened_ms: Date.now(), has_spec: false };
        recent = [p, ...recent.filter((r) => r.path !== path)];
        return p;
      }
      case "forget_project":
        recent = recent.filter((r) => r.path !== a.path);
        return null;
      case "plugin:dialog|open":
        return "/home/lan/new-app";
      default:
        throw { code: "internal", message: `the mock backend does not know '${cmd}'`, hint: "" };
    }
  });
}

declare global {
  interface Window {
    __TAURI_INTERNALS__: { runCallback: (id: number, data: unknown) => void };
  }
}

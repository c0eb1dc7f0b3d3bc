// End to end, steps 1 to 6 in the real app (tauri-driver + WebKitWebDriver under Xvfb) against
// the practice stack: open a copy of the Flask fixture, generate its Dockerfile, break a line and
// fix it with one click, build with visible progress, run it and see the smoke test pass, push to
// ECR (moto + the local registry) and see the image listed, plan the Fargate service with its
// cost, apply it step by step, see its URL, wire a pipeline with the S3 source to it, start a run
// and see it listed, see the service's health map and the pipeline on the Monitor step, then destroy it and see 0 resources left — checked
// again with boto3, outside Slipway. Screenshots of each stage go to artifacts/e2e.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { KEY, Session } from "./webdriver.mjs";

const driver = process.env.SLIPWAY_WEBDRIVER_URL ?? "http://127.0.0.1:4444";
const app = process.env.SLIPWAY_APP_BINARY;
const artifacts = process.env.SLIPWAY_ARTIFACTS ?? "artifacts/e2e";
const root = resolve(import.meta.dirname, "..", "..");
const MINUTE = 60_000;

/** What the emulator holds for the app, asked with boto3 (not through Slipway). */
function inAws(name) {
  const env = execFileSync(join(root, "scripts", "practice"), ["env"], { encoding: "utf8" });
  const port = env.match(/SLIPWAY_MOTO_PORT=['"]?(\d+)/)?.[1] ?? "4566";
  const endpoint = `http://127.0.0.1:${port}`;
  const script = `
import boto3, json
def c(s): return boto3.client(s, endpoint_url='${endpoint}', region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='x')
ecs, elb, ecr, cp, s3 = c('ecs'), c('elbv2'), c('ecr'), c('codepipeline'), c('s3')
clusters = [x for x in ecs.describe_clusters(clusters=['${name}'])['clusters'] if x['status'] == 'ACTIVE']
services = [s for s in ecs.describe_services(cluster='${name}', services=['${name}'])['services'] if s['status'] == 'ACTIVE'] if clusters else []
print(json.dumps({
  'load_balancers': len([l for l in elb.describe_load_balancers()['LoadBalancers'] if l['LoadBalancerName'] == '${name}']),
  'services': len(services),
  'pipelines': [p['name'] for p in cp.list_pipelines()['pipelines'] if p['name'] == '${name}'],
  'pipeline_stages': [st['name'] for st in cp.get_pipeline(name='${name}')['pipeline']['stages']] if '${name}' in [p['name'] for p in cp.list_pipelines()['pipelines']] else [],
  'runs': len(cp.list_pipeline_executions(pipelineName='${name}')['pipelineExecutionSummaries']) if '${name}' in [p['name'] for p in cp.list_pipelines()['pipelines']] else 0,
  'buckets': [b['Name'] for b in s3.list_buckets().get('Buckets', []) if b['Name'].startswith('${name}-pipeline-')],
  'running': sum(s.get('runningCount', 0) for s in services),
  'images': [d['imageDigest'] for d in ecr.describe_images(repositoryName='${name}')['imageDetails']] if '${name}' in [r['repositoryName'] for r in ecr.describe_repositories()['repositories']] else [],
}))`;
  return JSON.parse(execFileSync(join(root, ".venv", "bin", "python"), ["-c", script], { encoding: "utf8" }));
}

test("steps 1 to 6 in the real app: Dockerfile, build and run, push, service, pipeline, monitor, destroy", { timeout: 20 * MINUTE }, async (t) => {
  assert.ok(app, "SLIPWAY_APP_BINARY names the built app");
  mkdirSync(artifacts, { recursive: true });
  const name = `journey${process.pid % 100000}`;
  const project = join(mkdtempSync(join(tmpdir(), "slipway-e2e-")), name);
  cpSync(join(root, "crates", "core", "tests", "apps", "flask-app"), project, { recursive: true });
  t.after(() => rmSync(project, { recursive: true, force: true }));

  const s = await Session.start(driver, { "tauri:options": { application: app } });
  t.after(() => s.end());
  const shot = (file) => s.screenshotTo(join(artifacts, `${file}.png`));
  const attr = async (css, name) => s.exec(`return document.querySelector(arguments[0])?.getAttribute(arguments[1]) ?? null;`, [css, name]);
  await s.waitFor('body[data-ready="true"]', { timeoutMs: 30000, what: "the first screen" });
  try {
    await journey(s, name, project, shot, attr);
  } catch (e) {
    // What the screen said when it went wrong: a picture and any error notice's words.
    shot("journey-failed");
    const notices = await s.exec(`return [...document.querySelectorAll('[data-testid="error-notice"]')].map((n) => n.textContent.trim());`).catch(() => []);
    if (notices.length) e.message += `\n  error notices on screen: ${notices.join(" | ")}`;
    throw e;
  }
});

async function journey(s, name, project, shot, attr) {
  // English for this journey (an earlier test may have left the app in Vietnamese).
  await s.click('[data-testid="nav-settings"]');
  await s.waitFor('[data-testid="settings-language"]');
  await s.exec(
    `const el = document.querySelector('[data-testid="settings-language"]');
     if (el.value !== 'en') { el.value = 'en'; el.dispatchEvent(new Event('change', { bubbles: true })); }`,
  );
  await s.until(`return document.documentElement.lang === "en"`, { what: "English" });

  // Step 0: open the project by typing its path (the native folder dialog is GTK's, not the page's).
  await s.click('[data-testid="project-button"]');
  await s.type('[data-testid="open-path"]', project);
  await s.click('[data-testid="open-path-submit"]');

  // Step 1: detected as Flask; generate the Dockerfile, .dockerignore and slipway.toml.
  await s.waitFor('[data-testid="spec-missing"]', { what: "the studio, with no slipway.toml yet" });
  await s.click('[data-testid="generate"]');
  await s.waitFor('[data-testid="preview"]', { what: "the files Slipway proposes" });
  await s.scrollTo('[data-testid="preview"]');
  shot("journey-1-preview");
  await s.click('[data-testid="write-files"]');
  await s.waitFor('[data-testid="written"]', { what: "the files written" });
  const written = readFileSync(join(project, "Dockerfile"), "utf8");
  assert.match(written, /^FROM python:3\.12-slim-bookworm/m, "a pinned base image");
  assert.match(written, /^USER /m, "a non-root user");
  assert.match(readFileSync(join(project, "slipway.toml"), "utf8"), new RegExp(`name = "${name}"`));

  // Break the first line in the editor: unpin the base image. The finding appears as you type.
  await s.waitFor('[data-testid="dockerfile-editor"] .cm-line');
  await s.click('[data-testid="dockerfile-editor"] .cm-content');
  await s.keys(KEY.CONTROL + KEY.HOME, KEY.SHIFT + KEY.END, "FROM python:latest");
  await s.waitFor('[data-testid="finding-DL3007"]', { timeoutMs: 10000, what: "the DL3007 finding" });
  await s.scrollTo('[data-testid="finding-DL3007"]');
  shot("journey-1-lint-finding");
  await s.click('[data-testid="fix-DL3007"]');
  await s.until(`return !document.querySelector('[data-testid="finding-DL3007"]')`, { what: "the finding fixed" });
  const firstLine = await s.textOf('[data-testid="dockerfile-editor"] .cm-line');
  assert.equal(firstLine, "FROM python:3.12-slim-bookworm", "the one-click fix pinned the tag again");
  // The fix put back exactly what is on disk: nothing is left unsaved.
  await s.until(`return !document.querySelector('[data-testid="unsaved"]')`, { what: "no unsaved changes" });
  assert.match(readFileSync(join(project, "Dockerfile"), "utf8"), /^FROM python:3\.12-slim-bookworm/);

  // Step 2: build through the Engine API with step-by-step progress, then run and smoke-test.
  await s.click('[data-testid="nav-build"]');
  await s.clickWhenEnabled('[data-testid="build-start"]');
  await s.waitFor('[data-testid="build-progress"][data-state="running"]', { what: "the build running" });
  await s.waitFor('[data-testid^="step-"][data-status="running"]', { timeoutMs: 60000, what: "a step running" });
  shot("journey-2-building");
  await s.waitFor('[data-testid="build-progress"][data-state="built"]', { timeoutMs: 5 * MINUTE, what: "the image built" });
  await s.click('[data-testid="run-start"]');
  await s.waitFor('[data-testid="smoke"]', { timeoutMs: 2 * MINUTE, what: "the smoke test" });
  assert.equal(await attr('[data-testid="smoke"]', "data-passed"), "true", await s.textOf('[data-testid="smoke"]'));
  assert.equal((await s.textOf('[data-testid="smoke-status"]'))?.trim(), "200");
  await s.scrollTo('[data-testid="smoke"]');
  shot("journey-2-smoke-pass");
  await s.click('[data-testid="run-stop"]');
  await s.waitFor('[data-testid="run-stopped"]');

  // Step 3: create the repository and push with per-layer progress; the image is listed.
  await s.click('[data-testid="nav-registry"]');
  await s.waitFor('[data-testid="repository"][data-exists="false"]', { what: "no repository yet" });
  await s.click('[data-testid="push-start"]');
  await s.waitFor('[data-testid="push-layer"]', { timeoutMs: 60000, what: "a row per layer" });
  shot("journey-3-pushing");
  await s.waitFor('[data-testid="push-progress"][data-state="pushed"]', { timeoutMs: 5 * MINUTE, what: "the push done" });
  assert.equal(await attr('[data-testid="stage-verified"]', "data-status"), "done", "ECR lists the pushed digest");
  await s.waitFor('[data-testid="image-row"]', { timeoutMs: 30000, what: "the image in the Images view" });
  // Scan on push is on by default: the scan's result is listed (moto's scanner reports a canned finding).
  await s.waitFor('[data-testid="image-row"][data-scan="complete"]', { timeoutMs: 30000, what: "the image's scan" });
  const listed = await s.textOf('[data-testid="image-row"]');
  const ecr = inAws(name);
  assert.equal(ecr.images.length, 1, JSON.stringify(ecr));
  assert.ok(listed.includes(ecr.images[0].slice(7, 19)), `the Images view shows the digest ECR has (${ecr.images[0]}): ${listed}`);
  await s.scrollTo('[data-testid="image-row"]');
  shot("journey-3-images");

  // Step 4: plan with its cost, apply step by step, the URL; then destroy to zero.
  await s.click('[data-testid="nav-service"]');
  await s.click('[data-testid="plan"]');
  await s.waitFor('[data-testid="plan-summary"]', { timeoutMs: 60000, what: "the plan" });
  assert.match(await s.textOf('[data-testid="count-create"]'), /\d+ to create/);
  assert.match(await s.textOf('[data-testid="cost-daily"]'), /^\s*\$\d+\.\d\d\s*$/);
  await s.scrollTo('[data-testid="plan-summary"]');
  shot("journey-4-plan");
  await s.click('[data-testid="apply"]');
  await s.waitFor('[data-testid="apply-confirm"][open]', { what: "the confirm dialog" });
  await s.click('[data-testid="confirm-apply"]');
  await s.waitFor('[data-testid="apply-progress"]', { what: "the apply's progress" });
  await s.waitFor('[data-testid^="plan-step-"][data-status="done"]', { timeoutMs: 60000, what: "a step done" });
  shot("journey-4-applying");
  await s.waitFor('[data-testid="deploy-result"]', { timeoutMs: 5 * MINUTE, what: "the apply's result" });
  assert.equal(await attr('[data-testid="deploy-result"]', "data-result"), "ok", await s.textOf('[data-testid="deploy-result"]'));
  const url = (await s.textOf('[data-testid="service-url"]'))?.trim();
  assert.match(url, new RegExp(`^http://${name}-\\d+\\.us-east-1\\.elb\\.amazonaws\\.com$`));
  const statuses = await s.exec(`return [...document.querySelectorAll('[data-testid^="plan-step-"]')].map((e) => e.dataset.status);`);
  assert.deepEqual([...new Set(statuses)], ["done"], "every step done");
  const live = inAws(name);
  assert.equal(live.load_balancers, 1);
  assert.equal(live.services, 1);
  await s.scrollTo('[data-testid="deploy-result"]');
  shot("journey-4-live");

  // Step 5: a pipeline with the S3 source wired to that service; start a run and see it listed.
  await s.click('[data-testid="nav-pipeline"]');
  await s.waitFor('[data-testid="pipeline-screen"]', { what: "the Pipeline step" });
  await s.click('[data-testid="pipeline-source-s3"]');
  await s.click('[data-testid="pipeline-save"]');
  await s.waitFor('[data-testid="pipeline-buildspec"]', { timeoutMs: 30000, what: "the generated buildspec" });
  const buildspec = await s.textOf('[data-testid="pipeline-buildspec"]');
  assert.match(buildspec, /imagedefinitions\.json/);
  assert.match(buildspec, new RegExp(`"name":"${name}"`), "the container the task definition names");
  shot("journey-5-buildspec");
  await s.click('[data-testid="pipeline-plan"]');
  await s.waitFor('[data-testid="plan-summary"]', { timeoutMs: 60000, what: "the pipeline's plan" });
  assert.match(await s.textOf('[data-testid="count-create"]'), /\d+ to create/);
  await s.scrollTo('[data-testid="plan-summary"]');
  shot("journey-5-plan");
  await s.click('[data-testid="pipeline-apply"]');
  await s.click('[data-testid="pipeline-apply-confirm"]');
  await s.waitFor('[data-testid="pipeline-applied"]', { timeoutMs: 5 * MINUTE, what: "the pipeline applied" });
  const wired = inAws(name);
  assert.deepEqual(wired.pipelines, [name]);
  assert.deepEqual(wired.pipeline_stages, ["Source", "Build", "Deploy"]);
  assert.equal(wired.buckets.length, 1, JSON.stringify(wired));
  const before = wired.runs;
  await s.click('[data-testid="pipeline-run-start"]');
  await s.until(`return document.querySelectorAll('[data-testid="pipeline-run-row"]').length >= ${before + 1}`, { timeoutMs: 60000, what: "the new run listed" });
  const status = (await s.textOf('[data-testid="pipeline-run-row"] [data-testid="pipeline-run-status"]'))?.trim();
  assert.ok(status, "the run shows its status");
  assert.equal(inAws(name).runs, before + 1, "one more run in CodePipeline");
  await s.scrollTo('[data-testid="pipeline-runs"]');
  shot("journey-5-runs");

  // Step 6: the health map of the step-4 service and the pipeline of step 5, watched live.
  await s.click('[data-testid="nav-monitor"]');
  await s.waitFor('[data-testid="monitor-screen"]', { what: "the Monitor step" });
  await s.waitFor('[data-testid="health-map"] [data-testid="health-node-task"]', { timeoutMs: 60000, what: "task nodes on the health map" });
  const taskNodes = await s.exec(`return [...document.querySelectorAll('[data-testid="health-node-task"]')].map((n) => n.dataset.state);`);
  assert.ok(taskNodes.filter((st) => st === "running").length >= 1, `running task nodes: ${JSON.stringify(taskNodes)}`);
  assert.match(await s.textOf('[data-testid="calls-per-minute"]'), /\d+/);
  await s.waitFor('[data-testid="monitor-pipeline"]', { timeoutMs: 30000, what: "the pipeline's latest run" });
  await s.waitFor('[data-testid="monitor-pipeline"] [data-testid="pipeline-stage"]', { timeoutMs: 30000, what: "the pipeline's stages" });
  shot("journey-6-monitor");
  await s.scrollTo('[data-testid="monitor-pipeline"]');
  shot("journey-6-monitor-pipeline");

  await s.click('[data-testid="nav-service"]');

  await s.click('[data-testid="destroy-plan"]');
  await s.waitFor('[data-testid="destroy-list"]', { timeoutMs: 60000, what: "what destroy deletes" });
  await s.type('[data-testid="destroy-typed"]', name);
  await s.until(`return !document.querySelector('[data-testid="destroy-start"]').disabled`, { what: "destroy unlocked by the typed name" });
  await s.click('[data-testid="destroy-start"]');
  await s.waitFor('[data-testid="destroy-progress"][data-state="done"]', { timeoutMs: 5 * MINUTE, what: "destroy done" });
  assert.equal((await s.textOf('[data-testid="destroy-proof"] .big'))?.trim(), "0 resources left");
  await s.scrollTo('[data-testid="danger-zone"]');
  shot("journey-4-destroyed");
  const after = inAws(name);
  assert.equal(after.load_balancers, 0, JSON.stringify(after));
  assert.equal(after.services, 0, JSON.stringify(after));
  assert.deepEqual(after.pipelines, [], "destroy removes the pipeline with the service");
  assert.deepEqual(after.buckets, [], "and its artifact bucket");
}

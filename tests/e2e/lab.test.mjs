// End to end, Lab mode in the real app, in Vietnamese: open the Week 7 lab, see the "Day 3 ECR"
// steps not done yet, go to the Registry step from the lab, push the image there (through the
// wizard, against moto + the local registry), come back and check: the steps pass with the
// evidence ECR holds, checked again with boto3. Screenshots go to artifacts/e2e.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Session } from "./webdriver.mjs";

const driver = process.env.SLIPWAY_WEBDRIVER_URL ?? "http://127.0.0.1:4444";
const app = process.env.SLIPWAY_APP_BINARY;
const artifacts = process.env.SLIPWAY_ARTIFACTS ?? "artifacts/e2e";
const root = resolve(import.meta.dirname, "..", "..");
const MINUTE = 60_000;

/** The digests ECR (moto) holds for the repository, asked with boto3, outside Slipway. */
function ecrDigests(name) {
  const env = execFileSync(join(root, "scripts", "practice"), ["env"], { encoding: "utf8" });
  const port = env.match(/SLIPWAY_MOTO_PORT=['"]?(\d+)/)?.[1] ?? "4566";
  const script = `
import boto3, json
ecr = boto3.client('ecr', endpoint_url='http://127.0.0.1:${port}', region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='x')
names = [r['repositoryName'] for r in ecr.describe_repositories()['repositories']]
print(json.dumps([d['imageDigest'] for d in ecr.describe_images(repositoryName='${name}')['imageDetails']] if '${name}' in names else []))`;
  return JSON.parse(execFileSync(join(root, ".venv", "bin", "python"), ["-c", script], { encoding: "utf8" }));
}

test("Lab mode in Vietnamese: Week 7's Day 3 ECR steps, done through the wizard, pass their checks", { timeout: 15 * MINUTE }, async (t) => {
  assert.ok(app, "SLIPWAY_APP_BINARY names the built app");
  mkdirSync(artifacts, { recursive: true });
  const name = `lab${process.pid % 100000}`;
  const project = join(mkdtempSync(join(tmpdir(), "slipway-e2e-")), name);
  cpSync(join(root, "crates", "core", "tests", "apps", "flask-app"), project, { recursive: true });
  t.after(() => rmSync(project, { recursive: true, force: true }));

  const s = await Session.start(driver, { "tauri:options": { application: app } });
  t.after(() => s.end());
  const shot = (file) => s.screenshotTo(join(artifacts, `${file}.png`));
  await s.waitFor('body[data-ready="true"]', { timeoutMs: 30000, what: "the first screen" });
  try {
    // Vietnamese.
    await s.click('[data-testid="nav-settings"]');
    await s.waitFor('[data-testid="settings-language"]');
    await s.exec(
      `const el = document.querySelector('[data-testid="settings-language"]');
       if (el.value !== 'vi') { el.value = 'vi'; el.dispatchEvent(new Event('change', { bubbles: true })); }`,
    );
    await s.until(`return document.documentElement.lang === "vi"`, { what: "Vietnamese" });

    // The project: generated files (step 1) and a build (step 2), as a learner has by Day 3.
    await s.click('[data-testid="project-button"]');
    await s.type('[data-testid="open-path"]', project);
    await s.click('[data-testid="open-path-submit"]');
    await s.waitFor('[data-testid="spec-missing"]', { what: "the studio, with no slipway.toml yet" });
    await s.click('[data-testid="generate"]');
    await s.waitFor('[data-testid="preview"]', { what: "the files Slipway proposes" });
    await s.click('[data-testid="write-files"]');
    await s.waitFor('[data-testid="written"]', { what: "the files written" });
    await s.click('[data-testid="nav-build"]');
    await s.clickWhenEnabled('[data-testid="build-start"]');
    await s.waitFor('[data-testid="build-progress"][data-state="built"]', { timeoutMs: 5 * MINUTE, what: "the image built" });

    // The Week 7 lab, in Vietnamese: Day 3's steps are not done yet.
    await s.click('[data-testid="nav-labs"]');
    await s.waitFor('[data-testid="labs-screen"]', { what: "the Labs screen" });
    await s.click('[data-testid="lab-card"][data-id="week7"]');
    await s.waitFor('[data-testid="lab-page"][data-id="week7"]', { what: "the Week 7 lab" });
    const title = await s.textOf('[data-testid="lab-step"][data-id="day3-ecr-push"]');
    assert.match(title, /Ngày 3/, `the lab speaks Vietnamese: ${title}`);
    for (const step of ["day3-ecr-repo", "day3-ecr-push"]) {
      await s.click(`[data-testid="lab-step"][data-id="${step}"] [data-testid="lab-check"]`);
      await s.until(`return document.querySelector('[data-testid="lab-step"][data-id="${step}"]')?.dataset.status === "not_yet"`, { timeoutMs: 30000, what: `${step} not yet` });
    }
    await s.scrollTo('[data-testid="lab-step"][data-id="day3-ecr-repo"]');
    shot("lab-1-day3-not-yet");

    // Do it through the wizard: the lab's button opens the Registry step; push there.
    await s.click('[data-testid="lab-step"][data-id="day3-ecr-push"] [data-testid="lab-goto"]');
    await s.waitFor('[data-testid="repository"][data-exists="false"]', { what: "the Registry step, no repository yet" });
    await s.click('[data-testid="push-start"]');
    await s.waitFor('[data-testid="push-progress"][data-state="pushed"]', { timeoutMs: 5 * MINUTE, what: "the push done" });
    const digests = ecrDigests(name);
    assert.equal(digests.length, 1, `ECR holds the pushed image: ${JSON.stringify(digests)}`);

    // Back to the lab: both Day 3 steps pass, with ECR's evidence.
    await s.click('[data-testid="nav-labs"]');
    await s.waitFor('[data-testid="labs-screen"]');
    // The screen reopens the lab the learner left (or shows the cards): either is fine.
    await s.until(`return !!document.querySelector('[data-testid="lab-page"][data-id="week7"], [data-testid="lab-card"][data-id="week7"]')`, { what: "the lab or its card" });
    const onPage = await s.exec(`return !!document.querySelector('[data-testid="lab-page"][data-id="week7"]');`);
    if (!onPage) await s.click('[data-testid="lab-card"][data-id="week7"]');
    await s.waitFor('[data-testid="lab-page"][data-id="week7"]');
    for (const step of ["day3-ecr-repo", "day3-ecr-push"]) {
      await s.click(`[data-testid="lab-step"][data-id="${step}"] [data-testid="lab-check"]`);
      await s.until(`return document.querySelector('[data-testid="lab-step"][data-id="${step}"]')?.dataset.status === "pass"`, { timeoutMs: 30000, what: `${step} passing` });
    }
    const evidence = await s.textOf('[data-testid="lab-step"][data-id="day3-ecr-push"] [data-testid="lab-evidence"]');
    assert.ok(evidence.includes(digests[0].slice(0, 19)), `the evidence shows the digest ECR has (${digests[0]}): ${evidence}`);
    // Steps not done stay "not yet": nothing is ticked by a neighbour's success.
    await s.click('[data-testid="lab-step"][data-id="day4-cluster"] [data-testid="lab-check"]');
    await s.until(`return document.querySelector('[data-testid="lab-step"][data-id="day4-cluster"]')?.dataset.status === "not_yet"`, { timeoutMs: 30000, what: "day 4 not yet" });
    await s.scrollTo('[data-testid="lab-step"][data-id="day3-ecr-repo"]');
    shot("lab-2-day3-pass");
    // "Show me how": the push's AWS calls as AWS CLI commands.
    await s.waitFor('[data-testid="cli-command"]', { timeoutMs: 30000, what: "the AWS CLI equivalents" });
    const commands = await s.exec(`return [...document.querySelectorAll('[data-testid="cli-command"]')].map((c) => c.textContent);`);
    assert.ok(commands.some((c) => c.includes("aws ecr create-repository") && c.includes(`--repository-name ${name}`)), commands.join("\n"));
    await s.scrollTo('[data-testid="cli-history"]');
    shot("lab-3-show-me-how");
  } catch (e) {
    shot("lab-failed");
    const notices = await s.exec(`return [...document.querySelectorAll('[data-testid="error-notice"]')].map((n) => n.textContent.trim());`).catch(() => []);
    if (notices.length) e.message += `\n  error notices on screen: ${notices.join(" | ")}`;
    throw e;
  }
  // Leave nothing behind in the emulator: the repository this test created.
  execFileSync(join(root, "target", "debug", "slipway"), ["--profile", "practice", "destroy", project, "--yes"], { stdio: "ignore" });
});

// The UI's screens in a real browser, backend mocked through Tauri's mock IPC.
import assert from "node:assert/strict";

const STEPS = ["dockerfile", "build", "registry", "service", "pipeline", "monitor"];

export const tests = [
  {
    name: "the shell shows the six steps, the tools and the Practice badge",
    async run(page, { shot }) {
      for (const id of [...STEPS, "labs", "history", "doctor", "settings"]) {
        assert.ok(await page.isVisible(`[data-testid="nav-${id}"]`), `nav-${id}`);
      }
      const labels = await page.locator('[data-testid^="nav-"] .label').allTextContents();
      assert.deepEqual(labels.slice(0, 6), ["Dockerfile", "Build & run", "Registry", "Service", "Pipeline", "Monitor"]);
      assert.equal(await page.textContent('[data-testid="practice-badge"]').then((t) => t.trim()), "Practice");
      await page.waitForSelector('[data-testid="connection-account"]:has-text("123456789012")');
      assert.equal(await page.getAttribute('[data-testid="nav-dockerfile"]', "aria-current"), "page", "a recent project opens on step 1");
      await shot("shell-light-en");
    },
  },
  {
    name: "Ctrl+2 opens Build & run and arrow keys walk the sidebar",
    async run(page) {
      await page.keyboard.press("Control+2");
      assert.equal(await page.getAttribute('[data-testid="nav-build"]', "aria-current"), "page");
      assert.match(await page.textContent("h1"), /Build and run locally/);
      await page.focus('[data-testid="nav-build"]');
      await page.keyboard.press("ArrowDown");
      assert.equal(await page.getAttribute('[data-testid="nav-registry"]', "aria-current"), "page");
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-testid")), "nav-registry", "focus follows");
      await page.keyboard.press("ArrowUp");
      await page.keyboard.press("ArrowUp");
      assert.equal(await page.getAttribute('[data-testid="nav-dockerfile"]', "aria-current"), "page");
      await page.keyboard.press("Control+,");
      assert.match(await page.textContent("h1"), /Settings/);
    },
  },
  {
    name: "switching to Vietnamese translates the whole shell and sets <html lang>",
    async run(page, { shot }) {
      await page.click('[data-testid="nav-settings"]');
      await page.selectOption('[data-testid="settings-language"]', "vi");
      await page.waitForFunction(() => document.documentElement.lang === "vi");
      assert.equal((await page.textContent('[data-testid="nav-doctor"] .label')).trim(), "Kiểm tra");
      assert.equal((await page.textContent('[data-testid="nav-settings"] .label')).trim(), "Cài đặt");
      assert.equal((await page.textContent('[data-testid="practice-badge"]')).trim(), "Thực hành");
      assert.match(await page.textContent("h1"), /Cài đặt/);
      await page.click('[data-testid="nav-service"]');
      assert.match(await page.textContent("h1"), /Chạy trên ECS Fargate/);
      await shot("service-intro-vi");
    },
  },
  {
    name: "the Doctor streams seven checks and ends all green",
    async run(page, { shot }) {
      await page.click('[data-testid="nav-doctor"]');
      await page.waitForSelector('[role="progressbar"]', { timeout: 5000 });
      // Checks appear one by one through the Channel while the run is still going.
      await page.waitForFunction(() => {
        const n = document.querySelectorAll('[data-testid^="check-"]').length;
        return n >= 1 && n < 7 && document.querySelector('[role="progressbar"]') !== null;
      });
      await page.waitForSelector('[data-testid="doctor-summary"][data-ok="true"]', { timeout: 10000 });
      const statuses = await page.locator('[data-testid^="check-"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-status")));
      assert.deepEqual(statuses, Array(7).fill("ok"));
      assert.ok(await page.isVisible('[data-testid="check-practice-registry"]'));
      await shot("doctor-light-en");
    },
  },
  {
    name: "a failing Doctor check shows what is wrong and how to fix it",
    query: "?scenario=docker-down",
    async run(page, { shot }) {
      await page.click('[data-testid="nav-doctor"]');
      await page.waitForSelector('[data-testid="doctor-summary"][data-ok="false"]', { timeout: 10000 });
      const row = page.locator('[data-testid="check-docker-engine"]');
      assert.equal(await row.getAttribute("data-status"), "fail");
      assert.match(await row.textContent(), /Docker is not reachable/);
      assert.match(await row.textContent(), /How to fix:.*DOCKER_HOST/);
      assert.equal(await page.getAttribute('[data-testid="check-practice-base_image"]', "data-status"), "skipped");
      assert.match(await page.textContent('[data-testid="doctor-summary"]'), /1 check failed/);
      await shot("doctor-docker-down");
    },
  },
  {
    name: "the dark theme applies from Settings and follows the system by default",
    colorScheme: "dark",
    async run(page, { shot }) {
      assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark", "system preference is dark");
      await page.click('[data-testid="nav-settings"]');
      await page.selectOption('[data-testid="settings-theme"]', "light");
      await page.waitForFunction(() => document.documentElement.dataset.theme === "light");
      await page.selectOption('[data-testid="settings-theme"]', "dark");
      await page.waitForFunction(() => document.documentElement.dataset.theme === "dark");
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(bg, "rgb(17, 22, 28)");
      await page.click('[data-testid="nav-doctor"]');
      await page.waitForSelector('[data-testid="doctor-summary"]', { timeout: 10000 });
      await shot("doctor-dark");
    },
  },
  {
    name: "Settings validates the region and explains an SSO login is needed",
    async run(page, { shot }) {
      await page.click('[data-testid="nav-settings"]');
      await page.fill('[data-testid="settings-region"]', "singapore");
      assert.ok(await page.isDisabled('[data-testid="settings-connect"]'));
      assert.match(await page.textContent("#region-help"), /ap-southeast-1/);
      await page.fill('[data-testid="settings-region"]', "ap-southeast-1");
      await page.waitForSelector('[data-testid="settings-profile"] option[value="lab-sso"]', { state: "attached" });
      await page.selectOption('[data-testid="settings-profile"]', "lab-sso");
      await page.click('[data-testid="settings-connect"]');
      const notice = page.locator('[data-testid="error-notice"][data-code="aws_sso_login_required"]');
      await notice.waitFor();
      assert.match(await notice.textContent(), /aws sso login --profile lab-sso/);
      await shot("settings-sso-error");
      await page.selectOption('[data-testid="settings-profile"]', "default");
      await page.click('[data-testid="settings-connect"]');
      await page.waitForSelector('[data-testid="settings-connected"]');
      assert.equal((await page.textContent('[data-testid="connection-profile"]')).trim(), "default");
      assert.equal(await page.isVisible('[data-testid="practice-badge"]'), false, "no Practice badge on a real profile");
    },
  },
  {
    name: "the project picker opens a folder, lists recent projects and forgets one",
    query: "?scenario=empty",
    async run(page, { shot }) {
      assert.match(await page.textContent("h1"), /Open a project/, "with no recent project the picker comes first");
      assert.match(await page.textContent("main"), /No recent projects yet/);
      await page.click('[data-testid="open-folder"]');
      await page.waitForSelector('[data-testid="project-button"]:has-text("new-app")');
      await page.keyboard.press("Control+o");
      await page.waitForSelector('[data-testid="recent-projects"] li');
      assert.equal(await page.locator('[data-testid="recent-projects"] li').count(), 1);
      await shot("projects");
      await page.click('[data-testid="recent-projects"] button.icon');
      await page.waitForSelector("text=No recent projects yet.");
      assert.match(await page.textContent('[data-testid="project-button"]'), /No project open/);
    },
  },
  {
    name: "the Doctor keeps its results when you come back, and runs again on request",
    async run(page) {
      await page.click('[data-testid="nav-doctor"]');
      await page.waitForSelector('[data-testid="doctor-summary"][data-ok="true"]', { timeout: 10000 });
      await page.click('[data-testid="nav-registry"]');
      await page.click('[data-testid="nav-doctor"]');
      assert.equal(await page.locator('[data-testid^="check-"]').count(), 7, "results kept");
      assert.equal(await page.isVisible('[role="progressbar"]'), false, "no automatic second run");
      await page.click('[data-testid="doctor-run"]');
      await page.waitForSelector('[role="progressbar"]', { timeout: 5000 });
      await page.waitForSelector('[data-testid="doctor-summary"][data-ok="true"]', { timeout: 10000 });
      assert.match(await page.textContent('[data-testid="check-aws-region"]'), /< 1 ms/);
    },
  },
  {
    name: "the Practice badge explains itself on hover and on keyboard focus",
    async run(page, { shot }) {
      assert.equal(await page.isVisible('[data-testid="practice-tip"]'), false, "hidden at rest");
      await page.hover('[data-testid="practice-badge"]');
      await page.waitForSelector('[data-testid="practice-tip"]', { state: "visible" });
      assert.match(await page.textContent('[data-testid="practice-tip"]'), /moto/);
      assert.match(await page.textContent('[data-testid="practice-tip"]'), /not touch|Nothing here touches/);
      await page.waitForTimeout(250); // let the fade-in finish before the picture
      await shot("practice-tooltip");
      await page.mouse.move(600, 600);
      await page.focus('[data-testid="nav-settings"]');
      // Tab from the project button reaches the badge; the tooltip shows for keyboard users too.
      await page.focus('[data-testid="project-button"]');
      await page.keyboard.press("Tab");
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-testid")), "practice-badge");
      await page.waitForSelector('[data-testid="practice-tip"]', { state: "visible" });
      const describedBy = await page.getAttribute('[data-testid="practice-badge"]', "aria-describedby");
      assert.equal(await page.getAttribute(`#${describedBy}`, "role"), "tooltip");
    },
  },
  {
    name: "a skip link and Tab reach the content; Ctrl+6 and Ctrl+O jump",
    async run(page) {
      await page.keyboard.press("Tab");
      assert.equal(await page.evaluate(() => document.activeElement?.className.includes("skip")), true, "skip link first");
      assert.ok(await page.isVisible("a.skip"), "visible when focused");
      await page.keyboard.press("Enter");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "main");
      await page.keyboard.press("Control+6");
      assert.equal(await page.getAttribute('[data-testid="nav-monitor"]', "aria-current"), "page");
      await page.focus('[data-testid="nav-monitor"]');
      await page.keyboard.press("ArrowDown");
      assert.equal(await page.getAttribute('[data-testid="nav-labs"]', "aria-current"), "page");
      await page.keyboard.press("End");
      assert.equal(await page.getAttribute('[data-testid="nav-settings"]', "aria-current"), "page");
      const ring = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
      assert.equal(ring, "solid", "a visible focus ring");
      await page.keyboard.press("Control+o");
      assert.match(await page.textContent("h1"), /Open a project/);
    },
  },
  {
    name: "Settings lists the practice profile first and says what each kind of profile means",
    colorScheme: "dark",
    locale: "vi-VN",
    async run(page, { shot }) {
      assert.equal(await page.evaluate(() => document.documentElement.lang), "vi", "a Vietnamese system starts in Vietnamese");
      assert.equal((await page.textContent('[data-testid="nav-settings"] .label')).trim(), "Cài đặt");
      await page.click('[data-testid="nav-settings"]');
      assert.equal(await page.inputValue('[data-testid="settings-language"]'), "vi", "and saves it");
      await page.waitForSelector('[data-testid="settings-profile"] option[value="lab-sso"]', { state: "attached" });
      const options = await page.locator('[data-testid="settings-profile"] option').allTextContents();
      assert.match(options[0], /^\s*practice — môi trường thực hành, có sẵn/);
      assert.match(await page.textContent('[data-testid="settings-profile-note"]'), /miễn phí/);
      await page.selectOption('[data-testid="settings-profile"]', "default");
      assert.match(await page.textContent('[data-testid="settings-profile-note"]'), /tốn phí/);
      assert.equal(await page.isVisible('[data-testid="settings-connected"]'), false, "the live connection is practice, not the chosen profile");
      await page.selectOption('[data-testid="settings-language"]', "vi");
      await page.waitForFunction(() => document.documentElement.lang === "vi");
      await shot("settings-dark-vi");
      await page.click('[data-testid="nav-doctor"]');
      await page.waitForSelector('[data-testid="doctor-summary"][data-ok="true"]', { timeout: 10000 });
      assert.match(await page.textContent('[data-testid="doctor-summary"]'), /Tất cả đều đạt/);
      await shot("doctor-dark-vi");
    },
  },
];

import { describe, expect, it } from "vitest";
import { bodyBlocks, isCleanup, wizardStep } from "../lib/labs";
import { builtIn } from "./labs";

// The mock serves the real lab files: they must read as the backend sends them, and the
// screen's text helpers must make sense of every body in them.
describe("the lab files as the mock serves them", () => {
  const labs = builtIn();

  it("lists the three built-in labs in teaching order, with serde's defaults filled in", () => {
    expect(labs.map((l) => `${l.id}:${l.kind}`)).toEqual(["week7:lab", "ecs-workshop:workshop", "containers-lecture:lecture"]);
    for (const lab of labs) {
      expect(lab.title.vi && lab.title.en, lab.id).toBeTruthy();
      for (const s of lab.steps) {
        expect(s.screen === null || wizardStep(s.screen) !== null, `${lab.id}/${s.id} screen ${s.screen}`).toBe(true);
        expect(Array.isArray(s.concepts), `${lab.id}/${s.id}`).toBe(true);
        expect(s.watch === null || (s.watch.vi !== "" && s.watch.en !== ""), `${lab.id}/${s.id}`).toBe(true);
        for (const c of s.concepts) expect(lab.concepts[c], `${lab.id}/${s.id} → ${c}`).toBeDefined();
        if (s.check.kind === "question") expect(s.check.choices[s.check.answer], `${lab.id}/${s.id}`).toBeDefined();
      }
      if (lab.kind !== "lecture") expect(isCleanup(lab.steps.at(-1)!), `${lab.id} ends with the clean-up`).toBe(true);
    }
  });

  it("offers each experiment once, on a step that says what to watch, never in a lecture", () => {
    const offered = labs.flatMap((l) => l.steps.filter((s) => s.experiment !== null).map((s) => `${l.id}/${s.id}:${s.experiment}`));
    expect(offered).toEqual(["week7/day5-alb:stop_task", "week7/day5-scaling:load_test", "ecs-workshop/monitor-and-rollback:bad_deploy"]);
    for (const lab of labs) {
      for (const s of lab.steps) {
        if (s.experiment === null) continue;
        expect(s.watch, `${lab.id}/${s.id}`).not.toBeNull();
        expect(lab.kind, `${lab.id}/${s.id}`).not.toBe("lecture");
      }
    }
  });

  it("finds commands in the bodies only where they are commands", () => {
    const code: string[] = [];
    for (const lab of labs) {
      for (const s of lab.steps) {
        for (const lang of ["en", "vi"] as const) {
          for (const b of bodyBlocks(s.body[lang])) {
            if (b.kind === "code") code.push(b.text);
            else for (const p of b.parts) if (p.code) code.push(p.text);
          }
        }
      }
    }
    expect(code.length).toBeGreaterThan(5);
    for (const c of code) expect(c, c).toMatch(/^(aws [a-z0-9-]+ [a-z0-9-]+|docker [a-z]+|FROM )/);
    expect(code).toContain("aws ecr create-repository --repository-name <name> --image-scanning-configuration scanOnPush=true");
    expect(code.some((c) => c.startsWith("FROM python:") && c.includes("\nCMD ")), "the lecture's Dockerfile is one listing").toBe(true);
  });
});

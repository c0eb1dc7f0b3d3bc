import { describe, expect, it } from "vitest";
import type { Check, CheckResult, Lab, LabStep } from "./bindings";
import { answeredChoice, bodyBlocks, checkableSteps, inlineParts, isCleanup, mayBeBilling, progressOf, readsAws, resultsByStep, stepState, textIn, wizardStep } from "./labs";

const t = (en: string) => ({ en, vi: `vi: ${en}` });
const step = (id: string, check: Check, screen: string | null = null): LabStep => ({ id, screen, title: t(id), body: t(id), check, concepts: [], watch: null, experiment: null });
const question: Check = { kind: "question", question: t("?"), choices: [{ text: t("a"), why: t("a") }, { text: t("b"), why: t("b") }], answer: 1 };
const lab: Lab = {
  id: "week7",
  kind: "lab",
  source: "x.txt",
  title: t("Week 7"),
  summary: t("Summary"),
  steps: [step("docker", { kind: "docker_engine" }), step("repo", { kind: "ecr_repository" }, "registry"), step("quiz", question), step("cleanup", { kind: "nothing_left" }, "service")],
  concepts: {},
};
const result = (status: CheckResult["status"], at_ms = 1): CheckResult => ({ status, summary: status, evidence: [], at_ms });

/** The parts of a paragraph as `code` / text, for short assertions. */
const show = (text: string) => inlineParts(text).map((p) => (p.code ? `[${p.text}]` : p.text)).join("");

describe("a step's body", () => {
  it("splits paragraphs on blank lines and keeps one paragraph's lines together", () => {
    const blocks = bodyBlocks("First line\nstill first.\n\n\nSecond.\n  \nThird.");
    expect(blocks).toEqual([
      { kind: "text", parts: [{ code: false, text: "First line still first." }] },
      { kind: "text", parts: [{ code: false, text: "Second." }] },
      { kind: "text", parts: [{ code: false, text: "Third." }] },
    ]);
  });

  it("shows a Dockerfile listing as a code block, but not a sentence that starts with an instruction", () => {
    const blocks = bodyBlocks('The reference Dockerfile:\n\nFROM python:3.9-slim\nWORKDIR /app\nCOPY . .\nCMD ["python", "app.py"]\n\nFROM picks the base image.');
    expect(blocks.map((b) => b.kind)).toEqual(["text", "code", "text"]);
    expect(blocks[1]).toEqual({ kind: "code", text: 'FROM python:3.9-slim\nWORKDIR /app\nCOPY . .\nCMD ["python", "app.py"]' });
  });

  it("marks the AWS CLI command that ends a paragraph, with its flags and placeholders", () => {
    expect(show("The equivalent: aws ecr create-repository --repository-name <name> --image-scanning-configuration scanOnPush=true")).toBe(
      "The equivalent: [aws ecr create-repository --repository-name <name> --image-scanning-configuration scanOnPush=true]",
    );
    expect(show("Tương đương: aws ecr create-repository --repository-name <tên> --image-scanning-configuration scanOnPush=true")).toBe(
      "Tương đương: [aws ecr create-repository --repository-name <tên> --image-scanning-configuration scanOnPush=true]",
    );
  });

  it("keeps docker build's context dot and stops a command where its sentence ends", () => {
    expect(show("The command-line equivalent: docker build -t <name>:<tag> .")).toBe("The command-line equivalent: [docker build -t <name>:<tag> .]");
    expect(show("It publishes with docker run -p 8000:8000 <image>. On ECS, the task definition does.")).toBe("It publishes with [docker run -p 8000:8000 <image>]. On ECS, the task definition does.");
    expect(show("Run docker run -p 8000:8000 myapp.")).toBe("Run [docker run -p 8000:8000 myapp].");
    expect(show("docker run -P (publish every exposed port) maps a random port")).toBe("[docker run -P] (publish every exposed port) maps a random port");
    expect(show("build runs docker build; post_build pushes the image")).toBe("build runs [docker build]; post_build pushes the image");
    expect(show("You start docker run myapp with no other option.")).toBe("You start [docker run] myapp with no other option.");
  });

  it("leaves prose alone: awsvpc, AWS the company, kubectl in a sentence", () => {
    for (const text of ["Fargate requires awsvpc networking.", "AWS runs the servers.", "Tools like kubectl work almost unchanged."]) {
      expect(inlineParts(text)).toEqual([{ code: false, text }]);
    }
  });

  it("a paragraph that is one whole command is a listing", () => {
    expect(bodyBlocks("docker run -d -p 8080:5000 shop:1.0")).toEqual([{ kind: "code", text: "docker run -d -p 8080:5000 shop:1.0" }]);
  });
});

describe("where a learner stands", () => {
  it("keeps each step's latest check, and a step never checked is unchecked, not failed", () => {
    const results = resultsByStep([
      { step: "docker", result: result("fail", 1) },
      { step: "docker", result: result("pass", 5) },
      { step: "repo", result: result("not_yet", 3) },
    ]);
    expect(stepState(results.docker)).toBe("pass");
    expect(stepState(results.repo)).toBe("not_yet");
    expect(stepState(results.quiz)).toBe("unchecked");
  });

  it("counts passed steps of all steps, questions included", () => {
    expect(progressOf(lab, {})).toEqual({ passed: 0, total: 4 });
    expect(progressOf(lab, { docker: result("pass"), repo: result("fail"), quiz: result("pass") })).toEqual({ passed: 2, total: 4 });
  });

  it("Check all runs every step but the questions, in order", () => {
    expect(checkableSteps(lab).map((s) => s.id)).toEqual(["docker", "repo", "cleanup"]);
  });

  it("knows which checks read the account, and the clean-up step", () => {
    expect(readsAws({ kind: "docker_engine" })).toBe(false);
    expect(readsAws(question)).toBe(false);
    expect(readsAws({ kind: "targets_healthy", min_zones: 2 })).toBe(true);
    expect(lab.steps.filter(isCleanup).map((s) => s.id)).toEqual(["cleanup"]);
  });

  it("may be billing while an AWS step passes and the clean-up does not", () => {
    expect(mayBeBilling(lab, {})).toBe(false);
    expect(mayBeBilling(lab, { docker: result("pass") }), "a local step creates nothing in AWS").toBe(false);
    expect(mayBeBilling(lab, { repo: result("pass") })).toBe(true);
    expect(mayBeBilling(lab, { repo: result("pass"), cleanup: result("not_yet") })).toBe(true);
    expect(mayBeBilling(lab, { repo: result("pass"), cleanup: result("pass") })).toBe(false);
    expect(mayBeBilling({ ...lab, kind: "lecture", steps: [lab.steps[2]!] }, {}), "a lecture has no clean-up").toBe(false);
  });

  it("finds the choice a question's check was about from its evidence", () => {
    const q = question as Extract<Check, { kind: "question" }>;
    expect(answeredChoice(q, undefined)).toBeNull();
    expect(answeredChoice(q, { ...result("fail"), evidence: [["Answer", "a"]] })).toBe(0);
    expect(answeredChoice(q, { ...result("pass"), evidence: [["Answer", "b"]] })).toBe(1);
    expect(answeredChoice(q, { ...result("fail"), summary: "There is no answer 7: pick one of the 2." })).toBeNull();
  });

  it("links a step to its wizard step by number, and texts to the UI language", () => {
    expect(wizardStep("registry")).toEqual({ id: "registry", number: 3 });
    expect(wizardStep("monitor")).toEqual({ id: "monitor", number: 6 });
    expect(wizardStep(null)).toBeNull();
    expect(wizardStep("labs")).toBeNull();
    expect(textIn(t("Hello"), "vi")).toBe("vi: Hello");
    expect(textIn(t("Hello"), "en")).toBe("Hello");
  });
});

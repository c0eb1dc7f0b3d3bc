// Lab mode's pure side: how a step's body reads (paragraphs, Dockerfile listings and the AWS CLI
// or Docker commands written inside sentences), where a learner stands in a lab (the latest
// check of each step), and whether what the lab created may still be billing.
import type { Check, CheckResult, Lab, LabStep, StepCheck, Text } from "./bindings";
import { STEPS, type StepId } from "./screens";

/** A step's state on the page: a check's verdict, or never checked for this project. */
export type StepState = "pass" | "fail" | "not_yet" | "unchecked";

/** A run of a paragraph: plain words, or a command to show as code. */
export type Inline = { code: boolean; text: string };

/** A paragraph of a step's body, or a listing (a Dockerfile, commands) shown as a code block. */
export type Block = { kind: "text"; parts: Inline[] } | { kind: "code"; text: string };

/** A text in the UI's language (Vietnamese or English). */
export function textIn(t: Text, lang: string | null | undefined): string {
  return lang === "vi" ? t.vi : t.en;
}

// A line that is a Dockerfile instruction or a shell command: a paragraph of several such lines
// is a listing.
const LISTING_LINE = /^(FROM|WORKDIR|COPY|ADD|RUN|ENV|ARG|EXPOSE|CMD|ENTRYPOINT|USER|LABEL|HEALTHCHECK|VOLUME)\s|^(\$ |aws |docker |kubectl )/;

// Where a command starts inside a sentence: the AWS CLI (`aws ecr create-repository`) or a
// Docker subcommand. Anything else (kubectl in prose, "AWS" the company) stays words.
const COMMAND_START = /\b(aws [a-z0-9-]+ [a-z0-9-]+|docker (?:build|run|push|pull|tag|login|images|ps|stop|rm|logs|exec|compose|inspect))(?=[\s.,;:)]|$)/g;

/** A word that belongs to a command: a flag, a placeholder, a value with `:`, `=` or `/`, a
 *  number, or `.` alone (the build context). */
function argumentLike(word: string): boolean {
  return word === "." || word.startsWith("-") || /[<>:=/]/.test(word) || /^\d+$/.test(word);
}

/** Where the command whose head ends at `from` ends: its flags, their values and placeholders. */
function commandEnd(text: string, from: number): number {
  let end = from;
  let afterFlag = false;
  const next = /\s+(\S+)/y;
  next.lastIndex = from;
  for (let m = next.exec(text); m; m = next.exec(text)) {
    const raw = m[1]!;
    // A sentence may close right after the command: "… -p 8000:8000 <image>. On ECS …".
    const bare = raw === "." ? raw : raw.replace(/[.,;:)]+$/, "");
    const closes = bare !== raw;
    const sentenceEnds = /^(\s+\p{Lu}|\s*$)/u.test(text.slice(next.lastIndex));
    const fits =
      bare !== "" &&
      (argumentLike(bare) || (afterFlag && /^[\w.:/<>-]+$/.test(bare)) || (closes && sentenceEnds && /^[a-z0-9][\w.-]*$/.test(bare)));
    if (!fits) break;
    end = next.lastIndex - (raw.length - bare.length);
    if (closes) break;
    afterFlag = bare.startsWith("-") && !bare.includes("=");
  }
  return end;
}

/** A paragraph's words and the commands written inside it. */
export function inlineParts(text: string): Inline[] {
  const parts: Inline[] = [];
  let at = 0;
  for (const m of text.matchAll(COMMAND_START)) {
    if (m.index < at) continue;
    const end = commandEnd(text, m.index + m[1]!.length);
    if (m.index > at) parts.push({ code: false, text: text.slice(at, m.index) });
    parts.push({ code: true, text: text.slice(m.index, end) });
    at = end;
  }
  if (at < text.length) parts.push({ code: false, text: text.slice(at) });
  return parts;
}

/** A step's body as blocks: blank lines separate paragraphs; a paragraph of Dockerfile lines or
 *  commands is a listing. */
export function bodyBlocks(body: string): Block[] {
  return body
    .replace(/\r\n/g, "\n")
    .split(/\n\s*\n/)
    .map((p) => p.replace(/^\n+|\s+$/g, ""))
    .filter((p) => p.trim() !== "")
    .map((p): Block => {
      const lines = p.split("\n").map((l) => l.trim());
      // Several lines, each an instruction or a command ("FROM picks the base image…" alone is prose).
      if (lines.length > 1 && lines.every((l) => LISTING_LINE.test(l))) return { kind: "code", text: lines.join("\n") };
      const parts = inlineParts(lines.join(" "));
      // A paragraph that is one whole command is a listing too.
      if (parts.length === 1 && parts[0]!.code) return { kind: "code", text: parts[0]!.text };
      return { kind: "text", parts };
    });
}

/** The latest check of each step, by step id. */
export function resultsByStep(checks: readonly StepCheck[]): Record<string, CheckResult> {
  const out: Record<string, CheckResult> = {};
  for (const c of checks) {
    const had = out[c.step];
    if (!had || had.at_ms <= c.result.at_ms) out[c.step] = c.result;
  }
  return out;
}

export function stepState(result: CheckResult | undefined): StepState {
  return result ? result.status : "unchecked";
}

/** How many of the lab's steps pass, of how many. */
export function progressOf(lab: Lab, results: Record<string, CheckResult>): { passed: number; total: number } {
  return { passed: lab.steps.filter((s) => results[s.id]?.status === "pass").length, total: lab.steps.length };
}

export function isQuestion(check: Check): check is Extract<Check, { kind: "question" }> {
  return check.kind === "question";
}

/** The choice a question's latest check was about (its evidence names it in English), or null. */
export function answeredChoice(check: Extract<Check, { kind: "question" }>, result: CheckResult | undefined): number | null {
  const said = result?.evidence.find(([what]) => what === "Answer")?.[1];
  const i = said === undefined ? -1 : check.choices.findIndex((c) => c.text.en === said);
  return i < 0 ? null : i;
}

/** The clean-up step: it proves nothing the lab created is left. */
export function isCleanup(step: LabStep): boolean {
  return step.check.kind === "nothing_left";
}

/** Whether a check reads the AWS account (as `Check::reads_aws` on the Rust side). */
export function readsAws(check: Check): boolean {
  return !["docker_engine", "dockerfile_clean", "image_built", "container_answers", "question"].includes(check.kind);
}

/** The steps "Check all" runs, in order: every step but the questions. */
export function checkableSteps(lab: Lab): LabStep[] {
  return lab.steps.filter((s) => !isQuestion(s.check));
}

/** Whether something the lab made in AWS may be billing: a step that reads the account passed
 *  and the clean-up has not. */
export function mayBeBilling(lab: Lab, results: Record<string, CheckResult>): boolean {
  const cleanup = lab.steps.find(isCleanup);
  if (!cleanup || results[cleanup.id]?.status === "pass") return false;
  return lab.steps.some((s) => !isCleanup(s) && readsAws(s.check) && results[s.id]?.status === "pass");
}

/** The wizard step a lab step links to, with its number (1–6), or null. */
export function wizardStep(screen: string | null): { id: StepId; number: number } | null {
  const i = STEPS.indexOf(screen as StepId);
  return i < 0 ? null : { id: STEPS[i]!, number: i + 1 };
}

// A plan as the person reads it: steps grouped by what they do, the counts the confirm dialog
// states, and the engine's reasons in the person's language when they follow a known pattern.
import type { Action, Plan, PlanStep } from "./bindings";

/** The order groups are shown in; unchanged steps come last and start folded. */
export const ACTION_ORDER: readonly Action[] = ["create", "update", "replace", "delete", "read", "keep"];

export interface StepGroup {
  action: Action;
  steps: PlanStep[];
}

/** The plan's steps by action, in ACTION_ORDER, plan order inside a group; empty groups left out. */
export function groupSteps(steps: readonly PlanStep[]): StepGroup[] {
  return ACTION_ORDER.map((action) => ({ action, steps: steps.filter((s) => s.action === action) })).filter((g) => g.steps.length > 0);
}

export type ActionCounts = Record<Action, number>;

export function actionCounts(plan: Plan): ActionCounts {
  const c: ActionCounts = { create: 0, update: 0, replace: 0, delete: 0, read: 0, keep: 0 };
  for (const s of plan.steps) c[s.action]++;
  return c;
}

/** Whether applying the plan would change anything on AWS. */
export function changesAnything(plan: Plan): boolean {
  return plan.steps.some((s) => s.action === "create" || s.action === "update" || s.action === "replace" || s.action === "delete");
}

/** A reason as a message key under `service.reason` and its values, or null to show the engine's words. */
export interface LocalReason {
  key: string;
  values: Record<string, string>;
}

const PATTERNS: [RegExp, string][] = [
  [/^no .+ named (?<name>.+) exists yet$/, "create"],
  [/^already as wanted$/, "keep"],
  [/^looked up when applied$/, "lookup"],
  [/^uses (?<name>.+)$/, "uses"],
  [/^(?<fields>.+) changed: registers a new revision$/, "newRevision"],
  [/^(?<fields>.+) changed: updates the service .*$/, "rolling"],
  [/^(?<fields>.+) cannot change in place$/, "replace"],
  [/^(?<fields>.+) changed$/, "update"],
  [/^belongs to the project but is no longer in the spec$/, "leftover"],
  [/^belongs to the project$/, "owned"],
];

/** The engine's reason (crates/core/src/plan/diff.rs) as a translatable message, when known. */
export function localReason(step: PlanStep): LocalReason | null {
  for (const [re, key] of PATTERNS) {
    const m = re.exec(step.reason);
    if (m) return { key, values: { ...m.groups } };
  }
  return null;
}

/** The `service:ListServices`-style call split for display: service prefix and operation. */
export function splitCall(call: string): { service: string; operation: string } {
  const i = call.indexOf(":");
  return i < 0 ? { service: "", operation: call } : { service: call.slice(0, i), operation: call.slice(i + 1) };
}

/** The task definition revision in an ARN or family:revision ("shop-api:3"), for compact tables. */
export function revisionOf(taskDefinition: string): string {
  return taskDefinition.split("/").pop() ?? taskDefinition;
}

/** Why a step was skipped (crates/engine/src/apply.rs), in the person's language when known. */
export function localSkip(reason: string, t: (key: string, options?: { values?: Record<string, string> }) => string): string {
  const failed = /^(.+) failed first$/.exec(reason);
  if (failed) return t("service.skip.failedFirst", { values: { key: failed[1]! } });
  const known: Record<string, string> = {
    "the apply was cancelled": "cancelled",
    "a step it needs did not finish": "depUnfinished",
    "the apply did not finish": "unfinished",
  };
  return known[reason] ? t(`service.skip.${known[reason]}`) : t("service.skip.other", { values: { reason } });
}

/** US dollars in the person's locale, with `digits` decimals ("$1.73", "1,73 US$"). */
export function formatUsd(amount: number, locale: string, digits: number): string {
  return new Intl.NumberFormat(locale, { style: "currency", currency: "USD", minimumFractionDigits: digits, maximumFractionDigits: digits }).format(amount);
}

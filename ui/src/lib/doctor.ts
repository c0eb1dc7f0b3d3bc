// Presenting the doctor's checks: grouping, ordering, and the summary line.
import type { CheckGroup, DoctorCheck } from "./bindings";

export const GROUPS: readonly CheckGroup[] = ["docker", "aws", "practice"];

/** The checks a full run reports (ids from the Rust engine's CHECK_IDS). */
export const EXPECTED_CHECKS = 7;

/** Checks by group, in the order they arrived. */
export function groupChecks(checks: readonly DoctorCheck[]): Record<CheckGroup, DoctorCheck[]> {
  const out: Record<CheckGroup, DoctorCheck[]> = { docker: [], aws: [], practice: [] };
  for (const c of checks) out[c.group].push(c);
  return out;
}

export interface DoctorSummary {
  ok: number;
  warn: number;
  fail: number;
  skipped: number;
  allGood: boolean;
}

/** Counts by status; `allGood` when nothing failed and something ran. */
export function summarize(checks: readonly DoctorCheck[]): DoctorSummary {
  const s = { ok: 0, warn: 0, fail: 0, skipped: 0 };
  for (const c of checks) s[c.status] += 1;
  return { ...s, allGood: s.fail === 0 && s.ok > 0 };
}

/** The test id of a check row: dots become dashes (`docker.engine` → `check-docker-engine`). */
export function checkTestId(id: string): string {
  return `check-${id.replaceAll(".", "-")}`;
}

/** Progress of a running doctor, 0..1. */
export function progress(received: number): number {
  return Math.min(1, received / EXPECTED_CHECKS);
}

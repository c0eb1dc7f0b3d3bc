// Step 4's settings form: the spec's service and network sections as typed, the checks that
// need no backend, and the backend's spec_invalid message split back onto its fields.
import { validSize } from "./fargate";
import type { ErrorBody, ProjectSpec } from "./bindings";

/** The retention periods CloudWatch Logs accepts, in days. */
export const LOG_RETENTION_DAYS: readonly number[] = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/** One environment variable row of the form (rows keep their order while typed). */
export interface EnvRow {
  id: number;
  name: string;
  value: string;
}

let rowIds = 0;

export function envRows(environment: Record<string, string>): EnvRow[] {
  return Object.entries(environment).map(([name, value]) => ({ id: ++rowIds, name, value }));
}

export function newEnvRow(): EnvRow {
  return { id: ++rowIds, name: "", value: "" };
}

/** The rows as the spec holds them; rows without a name are left out. */
export function envRecord(rows: readonly EnvRow[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of rows) if (r.name.trim()) out[r.name.trim()] = r.value;
  return out;
}

/** Whether `name` can be an environment variable (the backend's rule). */
export function validEnvName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/** Subnet ids from what was typed: separated by commas, spaces or lines. */
export function parseSubnets(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Field paths (as the backend names them) with a message; shown at the field. */
export type FieldErrors = Record<string, string>;

/** What the form can tell without the backend, by field path; empty when it may be saved. */
export function formProblems(spec: ProjectSpec, rows: readonly EnvRow[]): FieldErrors {
  const out: FieldErrors = {};
  const s = spec.service;
  const whole = (v: unknown, min: number, max: number) => typeof v === "number" && Number.isInteger(v) && v >= min && v <= max;
  if (!validSize(s.cpu, s.memory)) out["service.memory"] = "size";
  if (!whole(s.desired_count, 0, 1000)) out["service.desired_count"] = "range";
  if (!whole(s.min_healthy_percent, 0, 100)) out["service.min_healthy_percent"] = "range";
  if (!whole(s.max_percent, 100, 400)) out["service.max_percent"] = "range";
  else if (s.max_percent === 100 && s.min_healthy_percent === 100) out["service.max_percent"] = "stuck";
  if (!whole(s.grace_period_seconds, 0, 2_147_483)) out["service.grace_period_seconds"] = "range";
  const names = rows.map((r) => r.name.trim()).filter(Boolean);
  if (names.some((n) => !validEnvName(n))) out["service.environment"] = "name";
  else if (new Set(names).size !== names.length) out["service.environment"] = "duplicate";
  const a = s.autoscaling;
  if (a) {
    if (!whole(a.min, 0, 1000) || !whole(a.max, 1, 1000) || a.min > a.max) out["service.autoscaling"] = "bounds";
    if (!whole(a.cpu_target, 10, 90)) out["service.autoscaling.cpu_target"] = "range";
  }
  return out;
}

/**
 * The problems of a spec_invalid error by field: "slipway.toml has 2 problem(s): service.memory:
 * …; network.subnets: …" becomes { "service.memory": "…", "network.subnets": "…" }. Empty for
 * other errors, or when the message names no field (then it is shown whole).
 */
export function fieldErrors(error: ErrorBody | null): FieldErrors {
  if (!error || error.code !== "spec_invalid") return {};
  const colon = error.message.indexOf("problem(s): ");
  if (colon < 0) return {};
  const list = error.message.slice(colon + "problem(s): ".length);
  const out: FieldErrors = {};
  // A message may itself contain "; ": split only where the next field path starts.
  for (const part of list.split(/;\s+(?=[a-z_]+(?:\.[a-z_]+)+: )/)) {
    const m = /^([a-z_]+(?:\.[a-z_]+)+): ([\s\S]*)$/.exec(part.trim());
    if (m) out[m[1]!] = out[m[1]!] ? `${out[m[1]!]}; ${m[2]}` : m[2]!;
  }
  return out;
}

/** The form's fields that show their own error, by the backend's field paths. */
export const FORM_FIELDS: readonly string[] = [
  "service.memory",
  "service.desired_count",
  "service.min_healthy_percent",
  "service.max_percent",
  "service.grace_period_seconds",
  "service.health_check",
  "service.health_check.interval_seconds",
  "service.health_check.timeout_seconds",
  "service.health_check.matcher",
  "service.log_retention_days",
  "service.certificate_arn",
  "service.environment",
  "service.autoscaling",
  "service.autoscaling.cpu_target",
  "network.vpc_id",
  "network.subnets",
];

/** The errors no field of the form shows (e.g. `service.secrets`, `app.port`), to list them apart. */
export function otherErrors(errors: FieldErrors): [string, string][] {
  return Object.entries(errors).filter(([k]) => !FORM_FIELDS.includes(k));
}

/** A deep copy, so the form edits a draft and the saved spec stays what the backend said. */
export function cloneSpec(spec: ProjectSpec): ProjectSpec {
  return JSON.parse(JSON.stringify(spec)) as ProjectSpec;
}

/** Whether the draft differs from the saved spec. */
export function specChanged(saved: ProjectSpec | null, draft: ProjectSpec | null, rows: readonly EnvRow[]): boolean {
  if (!saved || !draft) return false;
  const next = { ...draft, service: { ...draft.service, environment: envRecord(rows) } };
  return JSON.stringify(next) !== JSON.stringify(saved);
}

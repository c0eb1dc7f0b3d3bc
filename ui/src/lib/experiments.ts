// The labs' experiments, pure side: the load test's bounds (the backend refuses the same ones,
// so a bad number is caught before anything is sent), the live chart's scaling and how a
// report's numbers read.
import type { LoadReport, LoadSample, StatusCount } from "./bindings";

/** The load test's limits, as `crates/engine/src/experiments.rs` enforces them. */
export const LOAD_BOUNDS = {
  requests: { min: 1, max: 5000, default: 500 },
  concurrency: { min: 1, max: 20, default: 10 },
} as const;

/** The longest a load test runs, whatever is left to send. */
export const LOAD_MAX_SECONDS = 60;

export type LoadField = "url" | "requests" | "concurrency";

/** A field the load test cannot start with, and the message key saying why. */
export interface LoadProblem {
  field: LoadField;
  key: string;
  values?: Record<string, number>;
}

export interface LoadForm {
  url: string;
  /** What a number input holds: a number, or null/undefined/"" when empty or not a number. */
  requests: number | string | null | undefined;
  concurrency: number | string | null | undefined;
}

/** A whole number from a number input, or null when it is empty or not one. */
export function wholeNumber(v: number | string | null | undefined): number | null {
  if (v === null || v === undefined || (typeof v === "string" && v.trim() === "")) return null;
  const n = typeof v === "number" ? v : Number(v);
  return Number.isInteger(n) ? n : null;
}

/** Whether a URL is one a load test can send GETs to: http(s) with a host. */
export function isLoadUrl(url: string): boolean {
  try {
    const u = new URL(url.trim());
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname !== "";
  } catch {
    return false;
  }
}

/** What stops the form from starting a load test; empty when it can start. */
export function loadProblems(form: LoadForm): LoadProblem[] {
  const problems: LoadProblem[] = [];
  if (!isLoadUrl(form.url)) problems.push({ field: "url", key: "labs.experiment.load_test.invalid.url" });
  for (const field of ["requests", "concurrency"] as const) {
    const { min, max } = LOAD_BOUNDS[field];
    const n = wholeNumber(form[field]);
    if (n === null || n < min || n > max) problems.push({ field, key: `labs.experiment.load_test.invalid.${field}`, values: { min, max } });
  }
  return problems;
}

/** A chart of the load test: the rps line, and a bar per sample for the failures per second
 *  since the sample before (same unit, same scale). */
export interface Sparkline {
  /** The rps line as an SVG path ("" with fewer than one sample). */
  line: string;
  /** The same line closed to the baseline, for a soft fill under it. */
  area: string;
  bars: { x: number; y: number; width: number; height: number; perSecond: number }[];
  /** The top of the y axis (requests per second), a round number ≥ the highest rps. */
  top: number;
  /** The end of the x axis, ms. */
  span: number;
}

/** A round number at least `v`: 1, 2, 5, 10, 20, 50… */
export function niceCeiling(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** Scales samples into a `width`×`height` box: time across (at least `minSpan` ms, so the first
 *  samples do not stretch over the whole width), rps up, failures as bars from the bottom on
 *  the same scale. */
export function sparkline(samples: readonly LoadSample[], width: number, height: number, minSpan = 3000): Sparkline {
  const span = Math.max(minSpan, ...samples.map((s) => s.at_ms));
  let prev = { at_ms: 0, failed: 0 };
  const deltas = samples.map((s) => {
    const d = Math.max(0, s.failed - prev.failed);
    const per = d === 0 ? 0 : (d * 1000) / Math.max(100, s.at_ms - prev.at_ms);
    prev = s;
    return per;
  });
  const top = niceCeiling(Math.max(...samples.map((s) => s.rps), ...deltas, 1));
  const x = (ms: number) => round((ms / span) * width);
  const y = (v: number) => round(height - (Math.min(v, top) / top) * height);
  const points = samples.map((s) => `${x(s.at_ms)},${y(s.rps)}`);
  // A line starts at the origin: no request is done at 0 ms.
  const line = points.length ? `M0,${height} L${points.join(" L")}` : "";
  const area = points.length ? `${line} L${x(samples.at(-1)!.at_ms)},${height} Z` : "";
  const barWidth = Math.max(1.5, round((500 / span) * width * 0.6));
  const bars = samples.flatMap((s, i) => {
    const perSecond = deltas[i]!;
    if (perSecond === 0) return [];
    const h = Math.max(3, height - y(perSecond));
    return [{ x: round(Math.max(0, x(s.at_ms) - barWidth)), y: round(height - h), width: barWidth, height: round(h), perSecond }];
  });
  return { line, area, bars, top, span };
}

const round = (v: number) => Math.round(v * 10) / 10;

/** A latency, or a dash when nothing answered. */
export function formatMs(ms: number | null, locale: string): string {
  return ms === null ? "—" : `${ms.toLocaleString(locale)} ms`;
}

/** Requests per second with one decimal below 100. */
export function formatRps(rps: number, locale: string): string {
  return rps.toLocaleString(locale, { maximumFractionDigits: rps < 100 ? 1 : 0 });
}

/** A duration as seconds with one decimal: "2.5 s". */
export function formatSeconds(ms: number, locale: string): string {
  return `${(ms / 1000).toLocaleString(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} s`;
}

/** A status count's tone: answered well, answered with an error, or not answered at all. */
export function statusTone(s: StatusCount): "ok" | "fail" | "none" {
  if (s.status === null) return "none";
  return s.status >= 200 && s.status < 400 ? "ok" : "fail";
}

/** The share of requests that succeeded, 0–100 with one decimal (100 when none were sent). */
export function successPercent(r: Pick<LoadReport, "sent" | "ok">): number {
  return r.sent === 0 ? 100 : Math.floor((r.ok / r.sent) * 1000) / 10;
}

/** How far a load test is: the latest sample's count of the requests asked for. */
export function loadProgress(samples: readonly LoadSample[], requests: number): { sent: number; requests: number } {
  const sent = samples.at(-1)?.sent ?? 0;
  return { sent: Math.min(sent, requests), requests };
}

// The Monitor step's CloudWatch charts as people read them: the five charts in their order, each
// with its line or the reason it has none, values in the UI's language ("42.3%", "1,204/min",
// "183 ms"), and when the charts look again.
import type { MetricSeries, MissingReason, ServiceMetrics } from "./bindings";

/** The charts, in the order they are drawn. */
export const METRIC_IDS = ["cpu", "memory", "requests", "http_5xx", "latency"] as const;
export type MetricId = (typeof METRIC_IDS)[number];

/** The charts look again once a minute (CloudWatch's resolution; 2 AWS calls a look). */
export const METRICS_REFRESH_MS = 60_000;

/** One chart: its line, or why it has none. */
export interface MetricView {
  id: MetricId;
  series: MetricSeries | null;
  missing: MissingReason | null;
  latest: number | null;
  peak: number | null;
}

/** The five charts of a `service_metrics` answer. A chart the backend neither drew nor explained,
 *  or drew without a point, reads as "no data" rather than vanishing. */
export function metricCharts(m: ServiceMetrics): MetricView[] {
  return METRIC_IDS.map((id) => {
    const reason = m.missing.find(([k]) => k === id)?.[1] ?? null;
    const series = m.series.find((s) => s.id === id) ?? null;
    const points = series ? finiteValues(series) : [];
    if (reason || !series || !points.length) return { id, series: null, missing: reason ?? "no_data", latest: null, peak: null };
    return { id, series, missing: null, latest: points[points.length - 1]!, peak: Math.max(...points) };
  });
}

function finiteValues(s: MetricSeries): number[] {
  return s.values.filter((v) => Number.isFinite(v));
}

// Making a formatter costs far more than using one; the charts format on every hover.
const formatters = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale}|${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.NumberFormat(locale, options)));
  return f;
}

/** A value in its unit: percent with up to one decimal ("42.3%"), counts as whole numbers per
 *  minute (`perMinute` adds the words, "1,204/min"), seconds as milliseconds under one second
 *  ("183 ms") and as seconds above ("1.25 s"). */
export function formatMetric(value: number, unit: string, locale: string, perMinute: (count: string) => string): string {
  if (!Number.isFinite(value)) return "—";
  switch (unit) {
    case "Percent":
      return numberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(value / 100);
    case "Count":
      return perMinute(numberFormat(locale, { maximumFractionDigits: 0 }).format(Math.round(value)));
    case "Seconds": {
      const ms = Math.round(value * 1000);
      if (Math.abs(ms) < 1000) return `${numberFormat(locale, { maximumFractionDigits: 0 }).format(ms)} ms`;
      return `${numberFormat(locale, { maximumFractionDigits: 2 }).format(value)} s`;
    }
    default:
      return numberFormat(locale, { maximumFractionDigits: 2 }).format(value);
  }
}

const clocks = new Map<string, Intl.DateTimeFormat>();

/** A moment as the time of day in the UI's language ("3:05 PM", "15:05"), for the time axis. */
export function timeOfDay(ms: number, locale: string): string {
  let f = clocks.get(locale);
  if (!f) clocks.set(locale, (f = new Intl.DateTimeFormat(locale, { hour: "numeric", minute: "2-digit" })));
  return f.format(ms);
}

/** What a chart draws on its y axis: seconds become milliseconds, the rest as it comes. */
export function plotValue(value: number, unit: string): number {
  return unit === "Seconds" ? value * 1000 : value;
}

/** The y axis's unit key: `percent`, `perMinute`, `ms` (or `value` for anything else). */
export function axisUnit(unit: string): "percent" | "perMinute" | "ms" | "value" {
  return unit === "Percent" ? "percent" : unit === "Count" ? "perMinute" : unit === "Seconds" ? "ms" : "value";
}

/** The y range for the largest plotted value `max` (milliseconds for latency): from zero, with
 *  headroom, never squashed flat by a quiet hour, and percent never above 100. */
export function yRange(unit: string, max: number | null): [number, number] {
  const top = Number.isFinite(max) ? (max as number) * 1.25 : 0;
  if (unit === "Percent") return [0, Math.min(100, Math.max(10, top))];
  if (unit === "Seconds") return [0, Math.max(50, top)];
  return [0, Math.max(5, Math.ceil(top))];
}

/** The delay before the charts look again: none while the window is hidden, at once when shown
 *  again after a minute or more, otherwise what is left of the minute. */
export function metricsRefreshDelay(loadedAt: number | null, now: number, hidden: boolean): number | null {
  if (hidden) return null;
  if (loadedAt === null) return 0;
  return Math.max(0, loadedAt + METRICS_REFRESH_MS - now);
}

/** Whole seconds since the charts were loaded (never negative). */
export function secondsSince(loadedAt: number, now: number): number {
  return Math.max(0, Math.floor((now - loadedAt) / 1000));
}

/** A theme colour (`#rrggbb` or `#rgb`) with some transparency, for the area under a line;
 *  any other colour syntax is returned as it is. */
export function withAlpha(colour: string, alpha: number): string {
  const c = colour.trim();
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(c);
  const long = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(c);
  const hex = long ? [long[1], long[2], long[3]] : short ? [short[1]! + short[1], short[2]! + short[2], short[3]! + short[3]] : null;
  if (!hex) return c;
  return `rgba(${hex.map((h) => parseInt(h!, 16)).join(", ")}, ${alpha})`;
}

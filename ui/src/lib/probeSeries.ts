// The zero-downtime check's samples as chart series: per second, the share of probes that
// answered 2xx/3xx and their median latency, and which version answered each second.
import type { ProbeSample } from "./bindings";

export interface ProbeSeries {
  /** Seconds since the check started (one point per second with samples). */
  t: number[];
  /** Success rate 0..100 per second. */
  success: number[];
  /** Median latency per second (ms), null when nothing answered. */
  latency: (number | null)[];
  /** The version most probes of that second saw, null when none answered with one. */
  version: (string | null)[];
  /** Versions in the order they first answered. */
  versions: string[];
}

export function ok(s: ProbeSample): boolean {
  return s.status !== null && s.status >= 200 && s.status < 400;
}

function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function probeSeries(samples: readonly ProbeSample[]): ProbeSeries {
  const buckets = new Map<number, ProbeSample[]>();
  const versions: string[] = [];
  for (const s of samples) {
    const sec = Math.floor(s.at_ms / 1000);
    if (!buckets.has(sec)) buckets.set(sec, []);
    buckets.get(sec)!.push(s);
    if (s.version && !versions.includes(s.version)) versions.push(s.version);
  }
  const out: ProbeSeries = { t: [], success: [], latency: [], version: [], versions };
  for (const sec of [...buckets.keys()].sort((a, b) => a - b)) {
    const b = buckets.get(sec)!;
    const good = b.filter(ok);
    out.t.push(sec);
    out.success.push(Math.round((good.length / b.length) * 100));
    out.latency.push(median(good.flatMap((s) => (s.latency_ms === null ? [] : [s.latency_ms]))));
    const count = new Map<string, number>();
    for (const s of good) if (s.version) count.set(s.version, (count.get(s.version) ?? 0) + 1);
    out.version.push([...count.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null);
  }
  return out;
}

/** Totals for the panel while the check runs (the final report has the backend's own). */
export function probeTotals(samples: readonly ProbeSample[]): { ok: number; failed: number; rate: number } {
  const good = samples.filter(ok).length;
  const failed = samples.length - good;
  return { ok: good, failed, rate: samples.length ? good / samples.length : 1 };
}

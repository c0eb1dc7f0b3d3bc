import { describe, expect, it } from "vitest";
import type { ProbeSample } from "./bindings";
import { probeSeries, probeTotals } from "./probeSeries";

const s = (at: number, status: number | null, latency: number | null, version: string | null): ProbeSample => ({ at_ms: at, status, latency_ms: latency, version, error: status === null ? "connection refused" : null });

describe("the zero-downtime chart's series", () => {
  it("buckets probes per second: success rate, median latency and the version that answered", () => {
    const series = probeSeries([s(0, 200, 20, "6"), s(500, 200, 40, "6"), s(1000, 502, 3, null), s(1500, 200, 30, "7"), s(2100, 200, 25, "7")]);
    expect(series.t).toEqual([0, 1, 2]);
    expect(series.success).toEqual([100, 50, 100]);
    expect(series.latency).toEqual([30, 30, 25]);
    expect(series.version).toEqual(["6", "7", "7"]);
    expect(series.versions).toEqual(["6", "7"]);
  });

  it("a second where nothing answered has no latency and no version", () => {
    const series = probeSeries([s(0, null, null, null)]);
    expect(series.success).toEqual([0]);
    expect(series.latency).toEqual([null]);
    expect(series.version).toEqual([null]);
  });

  it("totals count 2xx and 3xx as answered", () => {
    expect(probeTotals([s(0, 200, 1, null), s(1, 301, 1, null), s(2, 503, 1, null)])).toEqual({ ok: 2, failed: 1, rate: 2 / 3 });
    expect(probeTotals([]).rate).toBe(1);
  });
});

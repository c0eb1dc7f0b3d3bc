import { describe, expect, it } from "vitest";
import type { MetricSeries, ServiceMetrics } from "./bindings";
import { axisUnit, formatMetric, METRIC_IDS, metricCharts, metricsRefreshDelay, plotValue, secondsSince, timeOfDay, withAlpha, yRange } from "./metricFormat";

const perMinute = (n: string) => `${n}/min`;

function series(id: string, unit: string, values: number[]): MetricSeries {
  return { id, metric: `AWS/ECS ${id}`, stat: "Average", unit, times_ms: values.map((_, i) => 1_700_000_000_000 + i * 60_000), values };
}

function metrics(s: MetricSeries[], missing: ServiceMetrics["missing"] = []): ServiceMetrics {
  return { from_ms: 0, to_ms: 3_600_000, period_s: 60, series: s, missing };
}

describe("the CloudWatch charts' values", () => {
  it("shows percent with at most one decimal in the UI's language", () => {
    expect(formatMetric(42.34, "Percent", "en", perMinute)).toBe("42.3%");
    expect(formatMetric(42.34, "Percent", "vi", perMinute)).toBe("42,3%");
    expect(formatMetric(7, "Percent", "en", perMinute)).toBe("7%");
    expect(formatMetric(0, "Percent", "en", perMinute)).toBe("0%");
  });

  it("shows counts as whole numbers per minute, grouped the local way", () => {
    expect(formatMetric(1204.4, "Count", "en", perMinute)).toBe("1,204/min");
    expect(formatMetric(1204.6, "Count", "vi", (n) => `${n}/phút`)).toBe("1.205/phút");
    expect(formatMetric(0, "Count", "en", perMinute)).toBe("0/min");
  });

  it("shows latency in milliseconds under a second and in seconds above", () => {
    expect(formatMetric(0.1834, "Seconds", "en", perMinute)).toBe("183 ms");
    expect(formatMetric(0.0004, "Seconds", "en", perMinute)).toBe("0 ms");
    expect(formatMetric(0.9996, "Seconds", "en", perMinute)).toBe("1 s");
    expect(formatMetric(1.25, "Seconds", "en", perMinute)).toBe("1.25 s");
    expect(formatMetric(1.25, "Seconds", "vi", perMinute)).toBe("1,25 s");
  });

  it("tells the time of day the local way", () => {
    const at = new Date(2024, 0, 1, 15, 5).getTime();
    expect(timeOfDay(at, "en")).toBe("3:05 PM");
    expect(timeOfDay(at, "vi")).toBe("15:05");
  });

  it("never prints NaN", () => {
    expect(formatMetric(Number.NaN, "Percent", "en", perMinute)).toBe("—");
    expect(formatMetric(3.14159, "Bytes", "en", perMinute)).toBe("3.14");
  });

  it("plots latency in milliseconds, with an axis unit per kind", () => {
    expect(plotValue(0.2, "Seconds")).toBeCloseTo(200);
    expect(plotValue(12, "Percent")).toBe(12);
    expect([axisUnit("Percent"), axisUnit("Count"), axisUnit("Seconds"), axisUnit("Bytes")]).toEqual(["percent", "perMinute", "ms", "value"]);
  });

  it("keeps y ranges from zero with headroom; percent stays within 100", () => {
    expect(yRange("Percent", 20)).toEqual([0, 25]);
    expect(yRange("Percent", 95)).toEqual([0, 100]);
    expect(yRange("Percent", 1)).toEqual([0, 10]);
    expect(yRange("Count", 0)).toEqual([0, 5]);
    expect(yRange("Count", 61)).toEqual([0, 77]);
    expect(yRange("Seconds", 10)).toEqual([0, 50]);
    expect(yRange("Seconds", null)).toEqual([0, 50]);
  });
});

describe("the five charts of an answer", () => {
  it("come in a fixed order with their latest value and peak", () => {
    const charts = metricCharts(metrics([series("latency", "Seconds", [0.1, 0.3, 0.2]), series("cpu", "Percent", [10, 55, 20]), series("memory", "Percent", [40, 41, 42]), series("requests", "Count", [300, 280, 310]), series("http_5xx", "Count", [0, 61, 3])]));
    expect(charts.map((c) => c.id)).toEqual([...METRIC_IDS]);
    expect(charts.map((c) => [c.latest, c.peak])).toEqual([
      [20, 55],
      [42, 42],
      [310, 310],
      [3, 61],
      [0.2, 0.3],
    ]);
    expect(charts.every((c) => c.missing === null && c.series !== null)).toBe(true);
  });

  it("say why a chart has no line: the backend's reason, or no data when it drew nothing", () => {
    const charts = metricCharts(
      metrics(
        [series("cpu", "Percent", [12]), series("memory", "Percent", [])],
        [
          ["requests", "no_load_balancer"],
          ["http_5xx", "no_load_balancer"],
          ["latency", "no_load_balancer"],
        ],
      ),
    );
    expect(charts.map((c) => [c.id, c.missing])).toEqual([
      ["cpu", null],
      ["memory", "no_data"],
      ["requests", "no_load_balancer"],
      ["http_5xx", "no_load_balancer"],
      ["latency", "no_load_balancer"],
    ]);
    expect(charts[1]).toMatchObject({ series: null, latest: null, peak: null });
  });

  it("read the practice emulator's empty answer as five charts without data", () => {
    const charts = metricCharts(metrics([], METRIC_IDS.map((id) => [id, "no_data"])));
    expect(charts.map((c) => c.missing)).toEqual(["no_data", "no_data", "no_data", "no_data", "no_data"]);
  });

  it("skip points that are not numbers when finding the latest value", () => {
    const [cpu] = metricCharts(metrics([series("cpu", "Percent", [30, 40, Number.NaN])]));
    expect(cpu).toMatchObject({ latest: 40, peak: 40 });
  });
});

describe("when the charts look again", () => {
  it("once a minute, at once when never loaded, never while the window is hidden", () => {
    expect(metricsRefreshDelay(null, 5_000, false)).toBe(0);
    expect(metricsRefreshDelay(10_000, 25_000, false)).toBe(45_000);
    expect(metricsRefreshDelay(10_000, 95_000, false)).toBe(0);
    expect(metricsRefreshDelay(10_000, 25_000, true)).toBeNull();
    expect(metricsRefreshDelay(null, 0, true)).toBeNull();
  });

  it("count whole seconds since the last load", () => {
    expect(secondsSince(1_000, 1_999)).toBe(0);
    expect(secondsSince(1_000, 43_500)).toBe(42);
    expect(secondsSince(5_000, 1_000)).toBe(0);
  });
});

describe("theme colours with transparency", () => {
  it("turn #rrggbb and #rgb into rgba, and leave other syntaxes alone", () => {
    expect(withAlpha("#c2410c", 0.15)).toBe("rgba(194, 65, 12, 0.15)");
    expect(withAlpha(" #fff ", 0.5)).toBe("rgba(255, 255, 255, 0.5)");
    expect(withAlpha("rgb(1, 2, 3)", 0.5)).toBe("rgb(1, 2, 3)");
  });
});

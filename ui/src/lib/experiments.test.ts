import { describe, expect, it } from "vitest";
import type { LoadSample } from "./bindings";
import { formatMs, formatRps, formatSeconds, isLoadUrl, LOAD_BOUNDS, loadProblems, loadProgress, niceCeiling, sparkline, statusTone, successPercent, wholeNumber } from "./experiments";

const sample = (at_ms: number, sent: number, failed: number, rps: number): LoadSample => ({ at_ms, sent, ok: sent - failed, failed, rps, p95_ms: 40 });

describe("the load test's bounds, checked before anything is sent", () => {
  const ok = { url: "http://127.0.0.1:8080/health", requests: 500, concurrency: 10 };

  it("accepts the defaults and the edges of the backend's bounds", () => {
    expect(LOAD_BOUNDS.requests).toEqual({ min: 1, max: 5000, default: 500 });
    expect(LOAD_BOUNDS.concurrency).toEqual({ min: 1, max: 20, default: 10 });
    expect(loadProblems(ok)).toEqual([]);
    expect(loadProblems({ ...ok, requests: 1, concurrency: 1 })).toEqual([]);
    expect(loadProblems({ ...ok, requests: 5000, concurrency: 20 })).toEqual([]);
    expect(loadProblems({ ...ok, requests: "250" })).toEqual([]);
  });

  it("names each field out of bounds, with the bounds for the message", () => {
    expect(loadProblems({ ...ok, requests: 5001 })).toEqual([{ field: "requests", key: "labs.experiment.load_test.invalid.requests", values: { min: 1, max: 5000 } }]);
    expect(loadProblems({ ...ok, requests: 0, concurrency: 21 }).map((p) => p.field)).toEqual(["requests", "concurrency"]);
    expect(loadProblems({ ...ok, concurrency: 2.5 }).map((p) => p.field)).toEqual(["concurrency"]);
    expect(loadProblems({ ...ok, requests: null }).map((p) => p.field)).toEqual(["requests"]);
    expect(loadProblems({ ...ok, requests: "" }).map((p) => p.field)).toEqual(["requests"]);
    expect(loadProblems({ url: "127.0.0.1:8080", requests: -3, concurrency: 10 }).map((p) => p.field)).toEqual(["url", "requests"]);
  });

  it("reads number inputs as whole numbers only", () => {
    expect(wholeNumber(12)).toBe(12);
    expect(wholeNumber(" 12 ")).toBe(12);
    expect(wholeNumber(undefined)).toBeNull();
    expect(wholeNumber("1e3")).toBe(1000);
    expect(wholeNumber("ten")).toBeNull();
    expect(wholeNumber(Number.NaN)).toBeNull();
  });

  it("takes only http(s) URLs with a host", () => {
    expect(isLoadUrl("http://shop-api-1234567890.us-east-1.elb.amazonaws.com")).toBe(true);
    expect(isLoadUrl("  https://127.0.0.1:8443/health ")).toBe(true);
    expect(isLoadUrl("ftp://127.0.0.1/")).toBe(false);
    expect(isLoadUrl("http://")).toBe(false);
    expect(isLoadUrl("")).toBe(false);
  });
});

describe("the live chart", () => {
  it("rounds the top of the scale up to 1, 2 or 5 times a power of ten", () => {
    expect([0, 0.4, 1, 3, 7, 10, 11, 180, 201].map(niceCeiling)).toEqual([1, 0.5, 1, 5, 10, 10, 20, 200, 500]);
  });

  it("scales rps up and time across, and draws nothing without samples", () => {
    expect(sparkline([], 480, 90)).toMatchObject({ line: "", area: "", bars: [], top: 1, span: 3000 });
    const c = sparkline([sample(500, 90, 0, 180), sample(1000, 180, 0, 180), sample(6000, 500, 0, 90)], 480, 90);
    expect(c.top).toBe(200);
    expect(c.span).toBe(6000);
    // At 180 of 200 rps the line is a tenth of the height from the top; time 500 of 6000 ms.
    expect(c.line).toBe("M0,90 L40,9 L80,9 L480,49.5");
    expect(c.area.endsWith("L480,90 Z")).toBe(true);
    expect(c.bars).toEqual([]);
  });

  it("keeps the first seconds from stretching across the whole width", () => {
    const c = sparkline([sample(500, 40, 0, 80)], 300, 60);
    expect(c.span).toBe(3000);
    expect(c.line).toBe("M0,60 L50,12");
  });

  it("draws the failures since the sample before as bars, per second on the rps scale", () => {
    const c = sparkline([sample(500, 90, 0, 180), sample(1000, 180, 5, 180), sample(1500, 270, 5, 180), sample(2000, 360, 55, 180)], 480, 100, 2000);
    expect(c.bars.map((b) => b.perSecond)).toEqual([10, 100]);
    const [small, big] = c.bars;
    expect(small!.height).toBe(5);
    expect(big!.height).toBe(50);
    expect(big!.y + big!.height).toBe(100);
    expect(big!.x + big!.width).toBeLessThanOrEqual(480);
  });
});

describe("the summary's numbers", () => {
  it("writes latencies, rates and durations in the UI's language", () => {
    expect(formatMs(38, "en")).toBe("38 ms");
    expect(formatMs(1250, "en")).toBe("1,250 ms");
    expect(formatMs(1250, "vi")).toBe("1.250 ms");
    expect(formatMs(null, "en")).toBe("—");
    expect(formatRps(182.4567, "en")).toBe("182");
    expect(formatRps(18.456, "en")).toBe("18.5");
    expect(formatRps(18.456, "vi")).toBe("18,5");
    expect(formatSeconds(2500, "en")).toBe("2.5 s");
    expect(formatSeconds(60000, "vi")).toBe("60,0 s");
  });

  it("tells answers, errors and no answer apart, and never rounds a failure away", () => {
    expect(statusTone({ status: 200, count: 1 })).toBe("ok");
    expect(statusTone({ status: 302, count: 1 })).toBe("ok");
    expect(statusTone({ status: 503, count: 1 })).toBe("fail");
    expect(statusTone({ status: null, count: 1 })).toBe("none");
    expect(successPercent({ sent: 500, ok: 494 })).toBe(98.8);
    expect(successPercent({ sent: 5000, ok: 4999 })).toBe(99.9);
    expect(successPercent({ sent: 0, ok: 0 })).toBe(100);
  });

  it("counts progress from the latest sample, never past what was asked", () => {
    expect(loadProgress([], 500)).toEqual({ sent: 0, requests: 500 });
    expect(loadProgress([sample(500, 90, 0, 180), sample(1000, 180, 0, 180)], 500)).toEqual({ sent: 180, requests: 500 });
    expect(loadProgress([sample(3000, 520, 0, 180)], 500)).toEqual({ sent: 500, requests: 500 });
  });
});

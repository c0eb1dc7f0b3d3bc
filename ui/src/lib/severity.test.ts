import { describe, expect, it } from "vitest";
import type { EcrImage, ScanFinding } from "./bindings";
import { criticalCount, deployBlock, mostSevereFirst, newestImage, scanState, SEVERITIES, severityCounts, severityName, severityRank, totalFindings } from "./severity";

const image = (digest: string, pushed: number | null, counts: Record<string, number>): EcrImage => ({
  digest,
  tags: [digest],
  size: 1,
  pushed_ms: pushed,
  scan_status: "COMPLETE",
  finding_counts: counts,
});
const finding = (name: string, severity: string): ScanFinding => ({ name, severity, description: null, uri: null, package: null });

describe("severities", () => {
  it("orders them as ECR does, unknown ones last", () => {
    expect(SEVERITIES).toEqual(["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED"]);
    expect(severityRank("critical")).toBe(0);
    expect(severityRank("UNDEFINED")).toBe(5);
    expect(severityRank("SEVERE")).toBe(6);
    expect(severityName("SEVERE")).toBe("UNDEFINED");
    expect(severityName("high")).toBe("HIGH");
  });

  it("turns counts into pills: most severe first, only non-zero, with their share", () => {
    const pills = severityCounts({ LOW: 1, CRITICAL: 2, MEDIUM: 0, HIGH: 3, WEIRD: 1, UNDEFINED: 1 });
    expect(pills.map((p) => [p.severity, p.count])).toEqual([
      ["CRITICAL", 2],
      ["HIGH", 3],
      ["LOW", 1],
      ["UNDEFINED", 2],
    ]);
    expect(pills.reduce((s, p) => s + p.share, 0)).toBeCloseTo(1);
    expect(pills[0]!.share).toBeCloseTo(2 / 8);
    expect(severityCounts({})).toEqual([]);
    expect(totalFindings({ CRITICAL: 2, HIGH: 3 })).toBe(5);
    expect(criticalCount({ CRITICAL: 2, HIGH: 3 })).toBe(2);
    expect(criticalCount({ HIGH: 3 })).toBe(0);
  });

  it("sorts findings most severe first, then by name", () => {
    const sorted = mostSevereFirst([finding("b", "LOW"), finding("a", "CRITICAL"), finding("c", "HIGH"), finding("d", "CRITICAL"), finding("e", "ODD")]);
    expect(sorted.map((f) => f.name)).toEqual(["a", "d", "c", "b", "e"]);
  });
});

describe("blocking deploys", () => {
  const old = image("old", 1_000, { CRITICAL: 5 });
  const clean = image("new", 2_000, { HIGH: 1 });
  const bad = image("bad", 3_000, { CRITICAL: 2, HIGH: 3 });

  it("looks at the newest image only", () => {
    expect(newestImage([old, bad, clean])?.digest).toBe("bad");
    expect(newestImage([image("unknown", null, {}), old])?.digest).toBe("old");
    expect(newestImage([])).toBeNull();
    expect(deployBlock(true, [old, clean])).toBeNull();
    expect(deployBlock(true, [old, clean, bad])).toEqual({ image: bad, critical: 2 });
  });

  it("blocks only when the spec asks to", () => {
    expect(deployBlock(false, [bad])).toBeNull();
    expect(deployBlock(true, [])).toBeNull();
  });
});

describe("scan states", () => {
  it("tells apart no scan, running, done and failed", () => {
    expect(scanState(null)).toBe("none");
    expect(scanState("IN_PROGRESS")).toBe("in_progress");
    expect(scanState("PENDING")).toBe("in_progress");
    expect(scanState("COMPLETE")).toBe("complete");
    expect(scanState("FAILED")).toBe("failed");
    expect(scanState("UNSUPPORTED_IMAGE")).toBe("failed");
    expect(scanState("SCAN_ELIGIBILITY_EXPIRED")).toBe("other");
  });
});

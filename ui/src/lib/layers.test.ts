import { describe, expect, it } from "vitest";
import { formatBytes, formatClock, shortId, truncate } from "./format";
import { layerChart } from "./layers";

describe("layer chart", () => {
  const report = {
    id: "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    tags: ["shop-api:latest"],
    platform: "linux/amd64",
    size: 200_000_000,
    layers: [
      { instruction: "ADD file:4b1be1de1a1e in /", size: 80_000_000, from_base: true },
      { instruction: "CMD [\"python3\"]", size: 0, from_base: true },
      { instruction: "WORKDIR /app", size: 0, from_base: false },
      { instruction: "RUN pip install --no-cache-dir -r requirements.txt", size: 90_000_000, from_base: false },
      { instruction: "COPY . .", size: 30_000_000, from_base: false },
    ],
  };

  it("keeps the order, splits base and own layers, and sizes bars against the biggest layer", () => {
    const c = layerChart(report);
    expect(c.base.map((b) => b.instruction)).toEqual(["ADD file:4b1be1de1a1e in /", 'CMD ["python3"]']);
    expect(c.own.map((b) => b.size)).toEqual([0, 90_000_000, 30_000_000]);
    expect(c.own[1]!.width).toBe(1);
    expect(c.base[0]!.width).toBeCloseTo(80 / 90);
    expect(c.baseSize).toBe(80_000_000);
    expect(c.ownSize).toBe(120_000_000);
  });

  it("names the biggest layer of your own with its share of the image", () => {
    const c = layerChart(report);
    expect(c.biggest?.instruction).toMatch(/^RUN pip install/);
    expect(c.biggest?.share).toBeCloseTo(0.45);
  });

  it("has no biggest own layer when the Dockerfile adds only metadata", () => {
    const c = layerChart({ ...report, layers: report.layers.slice(0, 3) });
    expect(c.biggest).toBeNull();
    expect(layerChart({ ...report, size: 0, layers: [] }).total).toBe(1);
  });
});

describe("formats", () => {
  it("prints sizes in decimal units in the person's locale", () => {
    expect(formatBytes(512, "en")).toBe("512 B");
    expect(formatBytes(4_200, "en")).toBe("4.2 kB");
    expect(formatBytes(45_230_000, "en")).toBe("45.2 MB");
    expect(formatBytes(145_230_000, "en")).toBe("145 MB");
    expect(formatBytes(45_230_000, "vi")).toBe("45,2 MB");
  });

  it("prints running times as a clock", () => {
    expect(formatClock(7_400)).toBe("0:07");
    expect(formatClock(65_000)).toBe("1:05");
    expect(formatClock(3_723_000)).toBe("1:02:03");
  });

  it("truncates long instructions and shortens image ids", () => {
    expect(truncate("RUN   pip install  -r requirements.txt", 20)).toBe("RUN pip install -r…");
    expect(truncate("COPY . .", 20)).toBe("COPY . .");
    expect(shortId("sha256:9f86d081884c7d659a2f")).toBe("9f86d081884c");
  });
});

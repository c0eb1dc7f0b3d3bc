import { describe, expect, it } from "vitest";
import { CPU_OPTIONS, fitMemory, memoryLabel, memoryOptions, validSize, vcpu } from "./fargate";

describe("Fargate sizes", () => {
  it("matches AWS's table at the edges of every CPU size", () => {
    expect(memoryOptions(256)).toEqual([512, 1024, 2048]);
    expect(memoryOptions(512)).toEqual([1024, 2048, 3072, 4096]);
    expect(memoryOptions(1024)).toEqual([2048, 3072, 4096, 5120, 6144, 7168, 8192]);
    const edges = (cpu: number) => [memoryOptions(cpu)[0], memoryOptions(cpu).at(-1), memoryOptions(cpu).length];
    expect(edges(2048)).toEqual([4096, 16384, 13]);
    expect(edges(4096)).toEqual([8192, 30720, 23]);
    expect(edges(8192)).toEqual([16384, 61440, 12]);
    expect(edges(16384)).toEqual([32768, 122880, 12]);
  });

  it("steps 8 vCPU by 4 GiB and 16 vCPU by 8 GiB", () => {
    expect(validSize(8192, 20480)).toBe(true);
    expect(validSize(8192, 18432)).toBe(false);
    expect(validSize(16384, 40960)).toBe(true);
    expect(validSize(16384, 36864)).toBe(false);
  });

  it("refuses pairs the backend refuses", () => {
    expect(validSize(256, 4096)).toBe(false);
    expect(validSize(1024, 1024)).toBe(false);
    expect(validSize(300, 512)).toBe(false);
    expect(memoryOptions(300)).toEqual([]);
    for (const cpu of CPU_OPTIONS) expect(memoryOptions(cpu).length, String(cpu)).toBeGreaterThan(0);
  });

  it("keeps the memory when the new CPU allows it, else takes the nearest valid size", () => {
    expect(fitMemory(512, 2048)).toBe(2048);
    expect(fitMemory(1024, 512)).toBe(2048);
    expect(fitMemory(256, 8192)).toBe(2048);
    expect(fitMemory(8192, 18432)).toBe(16384);
    expect(fitMemory(300, 999)).toBe(999);
  });

  it("reads sizes the way AWS's console shows them", () => {
    expect(vcpu(256)).toBe("0.25");
    expect(vcpu(16384)).toBe("16");
    expect(memoryLabel(512)).toBe("512 MiB");
    expect(memoryLabel(3072)).toBe("3 GiB");
  });
});

import { describe, expect, it } from "vitest";
import { formatDuration, relativeTime } from "./time";

const now = Date.UTC(2026, 10, 22, 12, 0, 0);

describe("relative times", () => {
  it("reads naturally in English", () => {
    expect(relativeTime(now - 5 * 60_000, now, "en")).toBe("5 minutes ago");
    expect(relativeTime(now - 26 * 3_600_000, now, "en")).toBe("yesterday");
    expect(relativeTime(now - 10_000, now, "en")).toBe("now");
  });

  it("reads naturally in Vietnamese", () => {
    expect(relativeTime(now - 5 * 60_000, now, "vi")).toBe("5 phút trước");
    expect(relativeTime(now - 3 * 86_400_000, now, "vi")).toBe("3 ngày trước");
  });
});

describe("check durations", () => {
  it("uses milliseconds under a second and seconds above, per locale", () => {
    expect(formatDuration(0, "en")).toBe("< 1 ms");
    expect(formatDuration(41, "en")).toBe("41 ms");
    expect(formatDuration(999, "en")).toBe("999 ms");
    expect(formatDuration(1234, "en")).toBe("1.2 s");
    expect(formatDuration(1234, "vi")).toBe("1,2 s");
    expect(formatDuration(3000, "en")).toBe("3 s");
  });
});

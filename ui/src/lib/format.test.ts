import { describe, expect, it } from "vitest";
import { formatBytes, formatClock, urlIn } from "./format";

describe("formats", () => {
  it("finds the console address in a hint, without the sentence's punctuation", () => {
    expect(urlIn('Open https://console.aws.amazon.com/codesuite/settings/connections?region=us-east-1, choose shop-github, then "Update pending connection".')).toBe(
      "https://console.aws.amazon.com/codesuite/settings/connections?region=us-east-1",
    );
    expect(urlIn("See https://example.com/a.")).toBe("https://example.com/a");
    expect(urlIn("No address here.")).toBeNull();
  });

  it("keeps the older formats as they were", () => {
    expect(formatBytes(45_200_000, "en")).toBe("45.2 MB");
    expect(formatClock(65_000)).toBe("1:05");
  });
});

import { describe, expect, it } from "vitest";
import { clockTime, registryHost, shortDigest } from "./registryFormat";

describe("registry formats", () => {
  it("shortens a digest to its algorithm and 12 hex digits", () => {
    expect(shortDigest("sha256:7d9a54c0e1b2f3a4958d6c7b8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f90123")).toBe("sha256:7d9a54c0e1b2");
    expect(shortDigest("7d9a54c0e1b2f3a4958d")).toBe("sha256:7d9a54c0e1b2");
  });

  it("shows a time of day, and the date too when it is another day", () => {
    const now = new Date(2026, 10, 22, 9, 0).getTime();
    const tonight = new Date(2026, 10, 22, 21, 5).getTime();
    const tomorrow = new Date(2026, 10, 23, 8, 30).getTime();
    expect(clockTime(tonight, now, "en")).toBe("9:05 PM");
    expect(clockTime(tonight, now, "vi")).toBe("21:05");
    expect(clockTime(tomorrow, now, "en")).toMatch(/Nov 23.*8:30 AM/);
    expect(clockTime(tomorrow, now, "vi")).toMatch(/23.*8:30|8:30.*23/);
  });

  it("builds an account's ECR host like the backend", () => {
    expect(registryHost("123456789012", "ap-southeast-1")).toBe("123456789012.dkr.ecr.ap-southeast-1.amazonaws.com");
  });
});

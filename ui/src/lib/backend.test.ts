import { describe, expect, it } from "vitest";
import { toErrorBody } from "./backend";
import { effectiveTheme } from "./theme";

describe("errors from commands", () => {
  it("keeps an ErrorBody as it is", () => {
    const e = { code: "docker_unreachable", message: "No engine", hint: "Start Docker" } as const;
    expect(toErrorBody(e)).toEqual(e);
  });

  it("wraps a plain string or Error as internal, keeping the text", () => {
    expect(toErrorBody("command app_info not allowed")).toEqual({ code: "internal", message: "command app_info not allowed", hint: "" });
    expect(toErrorBody(new Error("boom")).message).toBe("boom");
  });
});

describe("theme", () => {
  it("follows the system unless set", () => {
    expect(effectiveTheme("system", true)).toBe("dark");
    expect(effectiveTheme("system", false)).toBe("light");
    expect(effectiveTheme("light", true)).toBe("light");
    expect(effectiveTheme("dark", false)).toBe("dark");
  });
});

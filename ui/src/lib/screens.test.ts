import { describe, expect, it } from "vitest";
import { moveInNav, NAV, shortcutTarget, STEPS } from "./screens";

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean; shiftKey: boolean }> = {}) => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
});

describe("keyboard shortcuts", () => {
  it("Ctrl or Cmd with 1..6 opens the six steps in order", () => {
    expect(STEPS.map((_, i) => shortcutTarget(key(String(i + 1), { ctrlKey: true })))).toEqual([...STEPS]);
    expect(shortcutTarget(key("2", { metaKey: true }))).toBe("build");
  });

  it("Ctrl+, opens Settings and Ctrl+O the project picker", () => {
    expect(shortcutTarget(key(",", { ctrlKey: true }))).toBe("settings");
    expect(shortcutTarget(key("O", { ctrlKey: true }))).toBe("projects");
  });

  it("ignores plain keys, other digits and extra modifiers", () => {
    expect(shortcutTarget(key("1"))).toBeNull();
    expect(shortcutTarget(key("7", { ctrlKey: true }))).toBeNull();
    expect(shortcutTarget(key("1", { ctrlKey: true, shiftKey: true }))).toBeNull();
    expect(shortcutTarget(key("1", { ctrlKey: true, altKey: true }))).toBeNull();
  });
});

describe("sidebar arrow keys", () => {
  it("move down and up, wrapping at both ends", () => {
    expect(moveInNav("dockerfile", "ArrowDown")).toBe("build");
    expect(moveInNav("dockerfile", "ArrowUp")).toBe("settings");
    expect(moveInNav("settings", "ArrowDown")).toBe("dockerfile");
  });

  it("Home and End jump to the first and last item; other keys do nothing", () => {
    expect(moveInNav("pipeline", "Home")).toBe(NAV[0]);
    expect(moveInNav("pipeline", "End")).toBe(NAV[NAV.length - 1]);
    expect(moveInNav("pipeline", "Enter")).toBeNull();
  });

  it("from a screen outside the sidebar (the project picker) starts at the top", () => {
    expect(moveInNav("projects", "ArrowDown")).toBe("build");
  });
});

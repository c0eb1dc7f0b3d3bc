import { describe, expect, it, vi } from "vitest";
import type { InitPlan, ProposedFile } from "./bindings";
import { operationId } from "./buildRun.svelte";
import { chosenFiles, isDirty, studioFor } from "./studio.svelte";

const file = (name: string, current: string | null, proposed: string): ProposedFile => ({
  name,
  current,
  proposed,
  diff: [],
  overwrites: current !== null && current !== proposed,
});

describe("writing generated files", () => {
  const s = studioFor("/home/lan/shop-api");
  s.plan = {
    files: [file("Dockerfile", "FROM a\n", "FROM b\n"), file(".dockerignore", null, ".git\n"), file("slipway.toml", "x", "x")],
  } as InitPlan;

  it("writes new files but never replaces one without its own checkbox", () => {
    s.include = { Dockerfile: true, ".dockerignore": true, "slipway.toml": true };
    s.replace = { Dockerfile: false };
    expect(chosenFiles(s)).toEqual({ files: [".dockerignore"], overwrite: [] });
  });

  it("replaces a file only when its box is ticked, and skips files already as proposed", () => {
    s.replace = { Dockerfile: true };
    expect(chosenFiles(s)).toEqual({ files: ["Dockerfile", ".dockerignore"], overwrite: ["Dockerfile"] });
    s.include = { ".dockerignore": false };
    expect(chosenFiles(s)).toEqual({ files: ["Dockerfile"], overwrite: ["Dockerfile"] });
  });

  it("knows when the editor holds unsaved changes, whatever the file's line breaks", () => {
    s.disk = "FROM a\r\nCMD b\r\n";
    s.draft = "FROM a\nCMD b\n";
    expect(isDirty(s)).toBe(false);
    s.draft = "FROM a\nCMD c\n";
    expect(isDirty(s)).toBe(true);
  });
});

describe("operation ids", () => {
  it("are UUIDs, unique per operation", () => {
    const a = operationId();
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(operationId()).not.toBe(a);
  });

  it("are made from random bytes where randomUUID is missing (no secure context)", () => {
    const real = globalThis.crypto;
    vi.stubGlobal("crypto", { getRandomValues: (b: Uint8Array) => real.getRandomValues(b) });
    try {
      expect(operationId()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

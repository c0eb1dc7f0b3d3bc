import { describe, expect, it } from "vitest";
import en from "./en.json";
import lintEn from "./lint.en.json";
import lintVi from "./lint.vi.json";
import pipelineEn from "./pipeline.en.json";
import pipelineVi from "./pipeline.vi.json";
import registryEn from "./registry.en.json";
import registryVi from "./registry.vi.json";
import serviceEn from "./service.en.json";
import serviceVi from "./service.vi.json";
import vi from "./vi.json";
import { SEVERITIES } from "../severity";
import { NODE_STATES, STRIP_PHASES } from "../pipelineRuns";
import { COMPUTE_TYPES, SOURCE_KINDS } from "../pipelineForm";
import { guessLanguage, messageKeys, startLanguage } from "./index";

describe("message files", () => {
  it("English and Vietnamese have exactly the same keys", () => {
    expect(messageKeys(vi).sort()).toEqual(messageKeys(en).sort());
  });

  it("no message is empty, and Vietnamese is really translated", () => {
    const get = (tree: object, key: string) => key.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], tree);
    const keys = messageKeys(en);
    for (const k of keys) {
      expect(String(get(en, k)).trim(), k).not.toBe("");
      expect(String(get(vi, k)).trim(), k).not.toBe("");
    }
    const same = keys.filter((k) => get(en, k) === get(vi, k) && String(get(en, k)).includes(" "));
    // Multi-word texts identical in both files are untranslated, except names and shortcuts.
    expect(same).toEqual([]);
  });

  it("covers every error code and doctor check the backend sends", async () => {
    const bindings = await import("../bindings?raw");
    const codes = [...String(bindings.default).matchAll(/"([a-z_]+)"/g)].map((m) => m[1]);
    const errorCodes = String(bindings.default).match(/export type ErrorCode = ([^;]+);/)?.[1] ?? "";
    for (const code of errorCodes.match(/"[a-z_]+"/g) ?? []) {
      expect(Object.keys(en.errors), code).toContain(code.replaceAll('"', ""));
    }
    expect(codes.length).toBeGreaterThan(0);
    for (const id of ["docker.engine", "aws.profile", "aws.region", "aws.credentials", "practice.base_image", "practice.aws_endpoint", "practice.registry"]) {
      expect(messageKeys(en), id).toContain(`check.${id}`);
    }
  });

  it("explains each lint rule in both languages: a title, why it matters and how to fix it", () => {
    expect(messageKeys(lintVi).sort()).toEqual(messageKeys(lintEn).sort());
    for (const [rule, text] of Object.entries(lintEn)) {
      expect(Object.keys(text).sort(), rule).toEqual(["how", "title", "why"]);
      const vi = (lintVi as Record<string, Record<string, string>>)[rule]!;
      for (const k of ["title", "why", "how"] as const) {
        expect(vi[k]?.trim(), `${rule}.${k}`).toBeTruthy();
        expect(vi[k], `${rule}.${k} is translated`).not.toBe(text[k]);
      }
    }
  });

  it("step 3's messages: the same keys in both languages, none empty, Vietnamese really translated", () => {
    const get = (tree: object, key: string) => key.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], tree);
    const keys = messageKeys(registryEn);
    expect(messageKeys(registryVi).sort()).toEqual([...keys].sort());
    for (const k of keys) {
      expect(String(get(registryEn, k)).trim(), k).not.toBe("");
      expect(String(get(registryVi, k)).trim(), k).not.toBe("");
    }
    expect(keys.filter((k) => get(registryEn, k) === get(registryVi, k) && String(get(registryEn, k)).includes(" "))).toEqual([]);
    // The registry namespace is its own: the main files must not grow one that would be overwritten.
    expect(Object.keys(en)).not.toContain("registry");
  });

  it("has every registry message the screens ask for, including the ones named by a value", async () => {
    const sources = import.meta.glob(["../**/*.svelte", "../**/*.ts", "!../**/*.test.ts"], { query: "?raw", import: "default", eager: true });
    const known = new Set(messageKeys({ registry: registryEn }));
    const used = new Set<string>();
    for (const text of Object.values(sources)) {
      for (const m of String(text).matchAll(/["'`](registry\.[A-Za-z0-9_.]+[A-Za-z0-9_])["'`]/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(100);
    expect([...used].filter((k) => !known.has(k))).toEqual([]);
    const layerStates = String((await import("../bindings?raw")).default).match(/export type LayerState = ([^;]+);/)?.[1]?.match(/[a-z_]+/g) ?? [];
    expect(layerStates.length).toBeGreaterThan(5);
    const families: [string, readonly string[]][] = [
      ["registry.layers.state", [...layerStates, "stopped"]],
      ["registry.severity.name", SEVERITIES],
      ["registry.severity.help", SEVERITIES],
      ["registry.push.phase", ["repository", "login", "layers", "confirming", "verified"]],
      ["registry.stage.status", ["done", "active", "failed", "cancelled", "pending"]],
      ["registry.settings.encryption", ["aes256", "kms"]],
      ...(["scan_on_push", "immutable_tags", "block_on_critical"] as const).map((k): [string, string[]] => [`registry.settings.${k}`, ["label", "help"]]),
      ...(["scan_on_push", "immutable_tags"] as const).map((k): [string, string[]] => [`registry.drift.${k}`, ["on", "off"]]),
    ];
    for (const [prefix, ids] of families) for (const id of ids) expect(known, `${prefix}.${id}`).toContain(`${prefix}.${id}`);
  });

  it("step 4's messages have the same keys in both languages, none empty, and are translated", () => {
    expect(messageKeys(serviceVi).sort()).toEqual(messageKeys(serviceEn).sort());
    const get = (tree: object, key: string) => String(key.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], tree));
    // AWS's own names stay as the console writes them, in both languages.
    const awsNames = ["concept.albTitle", "concept.tgTitle", "form.health", "form.vcpu", "form.vpcId", "destroy.repository"];
    for (const k of messageKeys(serviceEn)) {
      expect(get(serviceEn, k).trim(), k).not.toBe("");
      expect(get(serviceVi, k).trim(), k).not.toBe("");
      const same = get(serviceEn, k) === get(serviceVi, k) && get(serviceEn, k).includes(" ");
      if (same) expect(k.startsWith("kind.") || awsNames.includes(k), `${k} is translated`).toBe(true);
    }
  });

  it("does not let step 4's namespace shadow a key of the main files", () => {
    expect(Object.keys(en)).not.toContain("service");
    expect(Object.keys(vi)).not.toContain("service");
  });

  it("step 5's messages have the same keys in both languages, none empty, and are translated", () => {
    expect(messageKeys(pipelineVi).sort()).toEqual(messageKeys(pipelineEn).sort());
    const get = (tree: object, key: string) => String(key.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], tree));
    // Names that stay as AWS and the tools write them, in both languages.
    const names = ["buildspec.title", "setup.source.github.title", "setup.source.codecommit.title", "setup.summary.github", "setup.summary.codecommit", "phase.short.BUILD", "setup.buildLegend"];
    for (const k of messageKeys(pipelineEn)) {
      expect(get(pipelineEn, k).trim(), k).not.toBe("");
      expect(get(pipelineVi, k).trim(), k).not.toBe("");
      if (get(pipelineEn, k) === get(pipelineVi, k) && get(pipelineEn, k).includes(" ")) expect(names, `${k} is translated`).toContain(k);
    }
    // Vietnamese is written with its diacritics, not as plain ASCII.
    expect(get(pipelineVi, "runs.start")).toBe("Bắt đầu lần chạy");
    expect(messageKeys(pipelineVi).filter((k) => /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i.test(get(pipelineVi, k))).length).toBeGreaterThan(150);
    expect(Object.keys(en)).not.toContain("pipeline");
  });

  it("has every step 5 message the screen asks for, including the ones named by a value", () => {
    const sources = import.meta.glob(["../**/*.svelte", "../**/*.ts", "!../**/*.test.ts"], { query: "?raw", import: "default", eager: true });
    const known = new Set(messageKeys({ pipeline: pipelineEn }));
    const used = new Set<string>();
    for (const text of Object.values(sources)) {
      for (const m of String(text).matchAll(/["'`](pipeline\.[A-Za-z0-9_.]+[A-Za-z0-9_])["'`]/g)) used.add(m[1]!);
    }
    // slipway.toml's field paths (pipeline.source.key ...) are not messages.
    const fields = [...used].filter((k) => /^pipeline\.(source|build|deploy)(\.|$)/.test(k));
    expect(used.size - fields.length).toBeGreaterThan(150);
    expect([...used].filter((k) => !known.has(k) && !fields.includes(k))).toEqual([]);
    const families: [string, readonly string[]][] = [
      ["pipeline.state", NODE_STATES],
      ["pipeline.phase", [...STRIP_PHASES, "SUBMITTED", "COMPLETED"]],
      ["pipeline.phase.short", STRIP_PHASES],
      ["pipeline.trigger", ["manual", "create", "webhook", "poll", "upload", "event", "other"]],
      ["pipeline.setup.computeOption", COMPUTE_TYPES],
      ["pipeline.setup.problem", ["key", "zip", "connection", "ownerRepo", "codecommit", "branch", "buildTimeout", "deployTimeout", "practiceGithub"]],
      ["pipeline.run.done", ["stop", "abandon", "retry"]],
      ["pipeline.result", ["failed", "cancelled"]],
      ...SOURCE_KINDS.map((k): [string, string[]] => [`pipeline.setup.source.${k}`, ["title", "desc"]]),
    ];
    for (const [prefix, ids] of families) for (const id of ids) expect(known, `${prefix}.${id}`).toContain(`${prefix}.${id}`);
  });

  it("guesses Vietnamese from the browser language", () => {
    expect(guessLanguage("vi-VN")).toBe("vi");
    expect(guessLanguage("en-US")).toBe("en");
    expect(guessLanguage(undefined)).toBe("en");
  });

  it("lets the system language win only on the first start", () => {
    expect(startLanguage("en", "vi-VN", false)).toBe("vi");
    expect(startLanguage("en", "en-GB", false)).toBe("en");
    expect(startLanguage("en", "vi-VN", true)).toBe("en");
    expect(startLanguage("vi", "en-US", true)).toBe("vi");
  });
});

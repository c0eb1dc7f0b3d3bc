import { describe, expect, it } from "vitest";
import type { Failure } from "./bindings";
import { failureWords, phaseKey } from "./failureText";
import en from "./i18n/pipeline.en.json";
import vi from "./i18n/pipeline.vi.json";

/** A tiny stand-in for svelte-i18n's formatter over one catalogue: lookup, {name} values, default. */
function translator(catalogue: Record<string, unknown>) {
  return (id: string, o?: { values?: Record<string, string>; default?: string }) => {
    const v = id
      .replace(/^pipeline\./, "")
      .split(".")
      .reduce<unknown>((node, part) => (node && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined), catalogue);
    if (typeof v !== "string") return o?.default ?? id;
    return v.replace(/\{(\w+)\}/g, (_, name: string) => o?.values?.[name] ?? `{${name}}`);
  };
}

function failure(o: Partial<Failure>): Failure {
  return {
    kind: "other",
    stage: "Build",
    action: "Build",
    title: "EN title",
    explanation: "EN explanation",
    hint: "EN hint",
    aws_message: null,
    phase: null,
    log_tail: [],
    deploy: null,
    key: "other",
    params: { stage: "Build", action: "Build" },
    ...o,
  };
}

describe("a failed run's words", () => {
  it("reads a build failure in Vietnamese with the phase and CodeBuild's message", () => {
    const f = failure({ kind: "build_phase", key: "build", params: { stage: "Build", action: "Build", phase: "BUILD", message: "exit status 1" } });
    const w = failureWords(f, translator(vi));
    expect(w.title).toBe("Bản build thất bại ở giai đoạn BUILD.");
    expect(w.explanation).toContain("Docker build thất bại bên trong CodeBuild");
    expect(w.explanation).toContain("CodeBuild báo: exit status 1");
    expect(w.hint).toContain("slipway build");
  });
  it("matches the backend's English for the same facts", () => {
    const f = failure({ kind: "container_name", key: "container_name", params: { stage: "Deploy", action: "Deploy", container: "shop" } });
    const w = failureWords(f, translator(en));
    expect(w.title).toBe("imagedefinitions.json names a container the task definition does not have.");
    expect(w.hint).toBe('Write "name":"shop" in buildspec.yml\'s printf line (`slipway pipeline buildspec --check` finds it), commit and run again.');
  });
  it("names the serving revision after a rollback, or says the previous version", () => {
    const with_ = failureWords(failure({ key: "circuit_breaker", params: { serving: "shop:6" } }), translator(vi));
    expect(with_.explanation).toContain("quay về shop:6");
    const without = failureWords(failure({ key: "circuit_breaker", params: {} }), translator(en));
    expect(without.explanation).toContain("went back to the previous version");
  });
  it("falls back to the backend's English for a key it does not know", () => {
    const w = failureWords(failure({ key: "from_a_newer_backend" }), translator(vi));
    expect(w).toEqual({ title: "EN title", explanation: "EN explanation", hint: "EN hint" });
  });
  it("reads queued and unknown phases sensibly", () => {
    expect(phaseKey("QUEUED")).toBe("PROVISIONING");
    expect(phaseKey("FINALIZING")).toBe("other");
    expect(phaseKey(undefined)).toBe("other");
  });
  it("has every key in both languages", () => {
    const keys = (o: unknown, p = ""): string[] =>
      o && typeof o === "object" ? Object.entries(o).flatMap(([k, v]) => keys(v, `${p}.${k}`)) : [p];
    expect(keys(vi.failure.k).sort()).toEqual(keys(en.failure.k).sort());
    expect(keys(vi.failure.phases).sort()).toEqual(keys(en.failure.phases).sort());
  });
});

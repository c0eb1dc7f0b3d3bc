import { describe, expect, it } from "vitest";
import en from "./en.json";
import lintEn from "./lint.en.json";
import lintVi from "./lint.vi.json";
import serviceEn from "./service.en.json";
import serviceVi from "./service.vi.json";
import vi from "./vi.json";
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

import { describe, expect, it } from "vitest";
import en from "./en.json";
import labsEn from "./labs.en.json";
import labsVi from "./labs.vi.json";
import vi from "./vi.json";
import { messageKeys } from "./index";

const get = (tree: object, key: string) => String(key.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], tree));

describe("Lab mode's messages", () => {
  it("have the same keys in both languages, none empty, and Vietnamese really translated, with its diacritics", () => {
    const keys = messageKeys(labsEn);
    expect(messageKeys(labsVi).sort()).toEqual([...keys].sort());
    for (const k of keys) {
      expect(get(labsEn, k).trim(), k).not.toBe("");
      expect(get(labsVi, k).trim(), k).not.toBe("");
      if (get(labsEn, k).includes(" ")) expect(get(labsVi, k), `${k} is translated`).not.toBe(get(labsEn, k));
    }
    expect(get(labsVi, "status.unchecked")).toBe("Chưa kiểm tra");
    expect(keys.filter((k) => /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i.test(get(labsVi, k))).length).toBeGreaterThan(40);
    // The namespace is Lab mode's own: the main files must not grow one that would be overwritten.
    expect(Object.keys(en)).not.toContain("labs");
    expect(Object.keys(vi)).not.toContain("labs");
  });

  it("has every message the screen asks for, including the ones named by a value", async () => {
    const sources = import.meta.glob(["../**/*.svelte", "../**/*.ts", "!../**/*.test.ts"], { query: "?raw", import: "default", eager: true });
    const known = new Set(messageKeys({ labs: labsEn }));
    const used = new Set<string>();
    for (const text of Object.values(sources)) {
      for (const m of String(text).matchAll(/["'`](labs\.[A-Za-z0-9_.]+[A-Za-z0-9_])["'`]/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(30);
    expect([...used].filter((k) => !known.has(k))).toEqual([]);
    const bindings = String((await import("../bindings?raw")).default);
    const union = (name: string) => bindings.match(new RegExp(`export type ${name} = ([^;]+);`))?.[1]?.match(/"[a-z_]+"/g)?.map((s) => s.slice(1, -1)) ?? [];
    expect(union("LabKind").length).toBe(3);
    expect(union("LabStatus").length).toBe(3);
    for (const kind of union("LabKind")) expect(known, kind).toContain(`labs.kind.${kind}`);
    for (const status of [...union("LabStatus"), "unchecked"]) expect(known, status).toContain(`labs.status.${status}`);
  });
});

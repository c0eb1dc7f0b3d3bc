import { describe, expect, it } from "vitest";
import type { DiagnosisCode } from "../bindings";
import { variantOf } from "../diagnosisText";
import monitorEn from "./monitor.en.json";
import monitorVi from "./monitor.vi.json";
import en from "./en.json";
import { messageKeys } from "./index";

const get = (tree: object, key: string) => String(key.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], tree));
const CODES: DiagnosisCode[] = ["pull_no_route", "pull_access_denied", "pull_image_missing", "container_exited", "health_path_mismatch", "health_port_unreachable", "slow_start", "circuit_breaker", "no_addresses"];

describe("the Monitor step's messages", () => {
  it("English and Vietnamese have the same keys, none empty, Vietnamese really translated", () => {
    expect(messageKeys(monitorVi).sort()).toEqual(messageKeys(monitorEn).sort());
    const names = ["title", "zd.url", "map.internet", "map.image", "pipeline.title"];
    for (const k of messageKeys(monitorEn)) {
      expect(get(monitorEn, k).trim(), k).not.toBe("");
      expect(get(monitorVi, k).trim(), k).not.toBe("");
      if (get(monitorEn, k) === get(monitorVi, k) && get(monitorEn, k).includes(" ")) expect(names, `${k} is translated`).toContain(k);
    }
    expect(get(monitorVi, "diagnoses.title")).toBe("Điều gì đang sai");
    expect(Object.keys(en)).not.toContain("monitor");
  });

  it("has every variant of every diagnosis code the backend sends", () => {
    const params: Record<string, Record<string, string>[]> = {
      pull_no_route: [{ public_ip: "true" }, { public_ip: "false" }],
      container_exited: ["0", "1", "126", "127", "137", "139", "", "2"].map((exit_code) => ({ container: "web", exit_code })),
      circuit_breaker: [{ failed: "shop:7", serving: "shop:6", count: "3" }, { failed: "shop:7", serving: "", count: "3" }],
      health_path_mismatch: [{ path: "/", codes: "404", matcher: "200-399" }, { path: "/", codes: "", matcher: "200" }],
    };
    for (const code of CODES) {
      for (const p of params[code] ?? [{}]) {
        for (const part of ["title", "explanation", "fix"] as const) {
          const key = `diagnosis.${code}.${variantOf({ code, params: p }, part)}`;
          expect(messageKeys(monitorEn), key).toContain(key);
        }
      }
    }
  });
});

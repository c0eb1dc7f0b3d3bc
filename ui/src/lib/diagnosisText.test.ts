import { describe, expect, it } from "vitest";
import type { Diagnosis } from "./bindings";
import { diagnosisText, fill, variantOf } from "./diagnosisText";
import monitorEn from "./i18n/monitor.en.json";
import monitorVi from "./i18n/monitor.vi.json";

const breaker = (serving: string): Diagnosis => ({
  code: "circuit_breaker",
  level: "error",
  title: "The deployment of shop:7 failed and ECS rolled back to shop:6.",
  explanation: "backend English",
  fix: "Fix the cause below, then deploy again (apply, or push a commit through the pipeline).",
  evidence: [],
  params: { failed: "shop:7", serving, count: "3" },
  tasks: [],
});

describe("a diagnosis in the person's language", () => {
  it("fills the Vietnamese text with the params", () => {
    const t = diagnosisText(breaker("shop:6"), monitorVi.diagnosis.circuit_breaker);
    expect(t.translated).toBe(true);
    expect(t.title).toBe("Lần triển khai shop:7 thất bại và ECS đã quay lại shop:6.");
    expect(t.explanation).toContain("(3 task lỗi)");
  });

  it("picks the variant the backend's English picks", () => {
    expect(diagnosisText(breaker(""), monitorEn.diagnosis.circuit_breaker).title).toBe("The deployment of shop:7 failed and the circuit breaker stopped it.");
    expect(variantOf({ code: "container_exited", params: { exit_code: "137" } }, "explanation")).toBe("explanation_137");
    expect(variantOf({ code: "container_exited", params: { exit_code: "3" } }, "explanation")).toBe("explanation_other");
    expect(variantOf({ code: "pull_no_route", params: { public_ip: "false" } }, "fix")).toBe("fix_private");
    expect(variantOf({ code: "health_path_mismatch", params: { codes: "" } }, "title")).toBe("title_other");
  });

  it("falls back to the backend's English when a value or the code's texts are missing", () => {
    const d = { ...breaker("shop:6"), params: { failed: "shop:7" } };
    expect(diagnosisText(d, monitorVi.diagnosis.circuit_breaker)).toMatchObject({ title: d.title, translated: false });
    expect(diagnosisText(breaker("shop:6"), undefined)).toMatchObject({ explanation: "backend English", translated: false });
  });

  it("leaves text without placeholders alone and refuses an empty value", () => {
    expect(fill("no values", {})).toBe("no values");
    expect(fill("port {port}", { port: "" })).toBeNull();
  });
});

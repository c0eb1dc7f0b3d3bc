import { Text } from "@codemirror/state";
import { describe, expect, it } from "vitest";
import type { Finding } from "./bindings";
import { diagnosticSeverity, sortFindings, toDiagnostics } from "./lintDiagnostics";

const doc = Text.of(["FROM python:latest", "WORKDIR /app", "CMD python app.py"]);
const findings: Finding[] = [
  { rule: "DL3025", severity: "warning", line: 3, message: "Use JSON notation", fix: null },
  { rule: "SW1001", severity: "error", line: 3, message: "EXPOSE does not include 5000", fix: null },
  { rule: "DL3007", severity: "warning", line: 1, message: "Pin the version", fix: null },
  { rule: "X", severity: "style", line: 99, message: "past the end", fix: null },
];

describe("lint diagnostics", () => {
  it("maps severities, style reading as info", () => {
    expect(["error", "warning", "info", "style"].map((s) => diagnosticSeverity(s as Finding["severity"]))).toEqual(["error", "warning", "info", "info"]);
  });

  it("orders findings by line, errors first", () => {
    expect(sortFindings(findings).map((f) => f.rule)).toEqual(["DL3007", "SW1001", "DL3025", "X"]);
  });

  it("underlines the finding's whole line, clamped to the document, with the rule as source", () => {
    const d = toDiagnostics(doc, findings);
    expect(d[0]).toEqual({ from: 0, to: 18, severity: "warning", source: "DL3007", message: "Pin the version" });
    expect(d[3]).toMatchObject({ from: doc.line(3).from, to: doc.length, severity: "info" });
  });

  it("adds the fix as an action where there is one", () => {
    const apply = () => {};
    const d = toDiagnostics(doc, findings, (f) => (f.rule === "DL3007" ? { name: "Pin", apply } : null));
    expect(d[0]!.actions).toEqual([{ name: "Pin", apply }]);
    expect(d[1]!.actions).toBeUndefined();
  });
});

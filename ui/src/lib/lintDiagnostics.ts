// Lint findings as CodeMirror diagnostics: the whole line underlined, the rule as the source,
// a one-click fix as the diagnostic's action.
import type { Action, Diagnostic } from "@codemirror/lint";
import type { Text } from "@codemirror/state";
import type { Finding, Severity } from "./bindings";

/** CodeMirror's severity for a finding's ("style" reads as info). */
export function diagnosticSeverity(s: Severity): "error" | "warning" | "info" {
  return s === "error" || s === "warning" ? s : "info";
}

/** Findings in reading order: by line, errors before warnings. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  const rank: Record<Severity, number> = { error: 0, warning: 1, info: 2, style: 3 };
  return [...findings].sort((a, b) => a.line - b.line || rank[a.severity] - rank[b.severity] || a.rule.localeCompare(b.rule));
}

/** Diagnostics for `findings` on `doc`; `actionFor` gives a finding's fix button, if any. */
export function toDiagnostics(doc: Text, findings: readonly Finding[], actionFor?: (f: Finding) => Action | null): Diagnostic[] {
  return sortFindings(findings).map((f) => {
    const line = doc.line(Math.min(Math.max(1, f.line), doc.lines));
    const action = actionFor?.(f);
    return {
      from: line.from,
      to: line.to,
      severity: diagnosticSeverity(f.severity),
      source: f.rule,
      message: f.message,
      ...(action ? { actions: [action] } : {}),
    };
  });
}

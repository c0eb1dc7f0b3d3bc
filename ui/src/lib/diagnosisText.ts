// A diagnosis in the person's language: the message files hold a text per code (and per variant
// where the backend's English depends on a value), filled in with the diagnosis's params. When a
// text or one of the values it names is missing, the backend's own English is shown instead.
import type { Diagnosis } from "./bindings";

export interface DiagnosisText {
  title: string;
  explanation: string;
  fix: string;
  /** Whether the texts came from the message files (false: the backend's English). */
  translated: boolean;
}

/** The templates of one code, e.g. { title, explanation, fix, explanation_private }. */
export type Templates = Record<string, string> | undefined;

/** The message variant a part uses, when the backend's English depends on a value. */
export function variantOf(d: Pick<Diagnosis, "code" | "params">, part: "title" | "explanation" | "fix"): string {
  const p = d.params;
  switch (d.code) {
    case "pull_no_route":
      return part === "title" ? part : `${part}_${p.public_ip === "true" ? "public" : "private"}`;
    case "container_exited":
      return part === "explanation" ? `explanation_${["0", "1", "126", "127", "137", "139"].includes(p.exit_code ?? "") ? p.exit_code : "other"}` : part;
    case "circuit_breaker":
      return part === "fix" ? part : `${part}_${p.serving ? "rolled_back" : "stopped"}`;
    case "health_path_mismatch":
      return part === "title" && !p.codes ? "title_other" : part;
    default:
      return part;
  }
}

/** Fills {name} placeholders; null when a placeholder has no value. */
export function fill(template: string, params: Record<string, string>): string | null {
  let missing = false;
  const out = template.replace(/\{(\w+)\}/g, (_m, k: string) => {
    const v = params[k];
    if (v === undefined || v === "") missing = true;
    return v ?? "";
  });
  return missing ? null : out;
}

export function diagnosisText(d: Diagnosis, templates: Templates): DiagnosisText {
  const english = { title: d.title, explanation: d.explanation, fix: d.fix, translated: false };
  if (!templates) return english;
  const parts = (["title", "explanation", "fix"] as const).map((part) => {
    const t = templates[variantOf(d, part)];
    return t === undefined ? null : fill(t, d.params);
  });
  if (parts.some((p) => p === null)) return english;
  const [title, explanation, fix] = parts as string[];
  return { title: title!, explanation: explanation!, fix: fix!, translated: true };
}

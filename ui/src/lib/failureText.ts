// A failed run's explanation in the person's language: the backend names which explanation it
// is (`key`) and the values it mentions (`params`); the catalogues hold the words. A key the
// catalogues do not know (a newer backend) falls back to the backend's English.
import type { Failure } from "./bindings";

type Translate = (id: string, options?: { values?: Record<string, string>; default?: string }) => string;

export interface FailureWords {
  title: string;
  explanation: string;
  hint: string;
}

const KNOWN = new Set(["pass_role", "approval", "source_branch", "source_connection", "source_missing", "build", "container_name", "circuit_breaker", "deploy", "other"]);
const PHASES = new Set(["PROVISIONING", "DOWNLOAD_SOURCE", "INSTALL", "PRE_BUILD", "BUILD", "POST_BUILD", "UPLOAD_ARTIFACTS"]);

/** The catalogue's name for a CodeBuild phase (QUEUED and SUBMITTED read like PROVISIONING). */
export function phaseKey(phase: string | undefined): string {
  if (!phase) return "other";
  if (phase === "QUEUED" || phase === "SUBMITTED") return "PROVISIONING";
  return PHASES.has(phase) ? phase : "other";
}

export function failureWords(f: Failure, t: Translate): FailureWords {
  const key = f.key;
  if (!KNOWN.has(key)) return { title: f.title, explanation: f.explanation, hint: f.hint };
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(f.params ?? {})) if (v !== undefined) values[k] = v;
  const k = (id: string, fallback: string) => t(`pipeline.failure.k.${key}.${id}`, { values, default: fallback });
  switch (key) {
    case "build": {
      const phase = phaseKey(values.phase);
      const what = t(`pipeline.failure.phases.${phase}.what`, { default: f.explanation });
      return {
        title: values.phase ? k("title", f.title) : t("pipeline.failure.k.build.titleNoPhase", { default: f.title }),
        explanation: values.message ? t("pipeline.failure.k.build.codebuildSays", { values: { what, message: values.message }, default: f.explanation }) : what,
        hint: t(`pipeline.failure.phases.${phase}.todo`, { default: f.hint }),
      };
    }
    case "circuit_breaker":
      return {
        title: k("title", f.title),
        explanation: values.serving ? k("explanation", f.explanation) : k("explanationNoServing", f.explanation),
        hint: k("hint", f.hint),
      };
    default:
      return { title: k("title", f.title), explanation: k("explanation", f.explanation), hint: k("hint", f.hint) };
  }
}

// The generate form of step 1: prefilled from what the code shows and slipway.toml, checked
// with the same rules as the spec before anything is asked of the backend.
import type { Detection, InitForm, ProjectSpec } from "./bindings";

export const PLATFORMS = ["linux/amd64", "linux/arm64"] as const;

/** The form as typed (strings, so half-typed values are kept). */
export interface FormFields {
  name: string;
  port: string;
  health_path: string;
  platform: string;
}

export type FormProblem = "name" | "port" | "health_path";

/** An app name from a folder name, the way the backend makes one. */
export function nameFromFolder(folder: string): string {
  let name = "";
  for (const ch of folder.toLowerCase()) {
    const c = /[a-z0-9]/.test(ch) ? ch : "-";
    if (c === "-" && (name === "" || name.endsWith("-"))) continue;
    name += c;
  }
  name = name.replace(/-+$/, "");
  if (!/^[a-z]/.test(name)) name = `app-${name}`.replace(/-+$/, "");
  return name.slice(0, 32).replace(/-+$/, "");
}

/** The form's first values: the spec when there is one, else what detection found. */
export function initialFields(detection: Detection | null, spec: ProjectSpec | null, folder: string): FormFields {
  return {
    name: spec?.app.name ?? nameFromFolder(folder),
    port: String(spec?.app.port ?? detection?.port ?? ""),
    health_path: spec?.app.health_path ?? detection?.health_path ?? "/",
    platform: spec?.image.platform ?? "linux/amd64",
  };
}

/** Fields that would be refused, in form order. */
export function formProblems(f: FormFields): FormProblem[] {
  const out: FormProblem[] = [];
  const name = f.name.trim();
  if (!(name.length >= 1 && name.length <= 32 && /^[a-z][a-z0-9-]*$/.test(name) && !name.endsWith("-") && !name.includes("--"))) out.push("name");
  const port = Number(f.port.trim());
  if (!/^\d+$/.test(f.port.trim()) || port < 1 || port > 65535) out.push("port");
  const path = f.health_path.trim();
  if (!path.startsWith("/") || /\s/.test(path)) out.push("health_path");
  return out;
}

/** The form as the backend takes it. */
export function toInitForm(f: FormFields): InitForm {
  const port = Number(f.port.trim());
  return {
    name: f.name.trim() || null,
    port: Number.isInteger(port) && port > 0 ? port : null,
    health_path: f.health_path.trim() || null,
    platform: f.platform || null,
  };
}

/** Where the Dockerfile lives, relative to the project folder. */
export function dockerfilePath(spec: ProjectSpec | null): string {
  if (!spec) return "Dockerfile";
  const dir = spec.app.path.replace(/^\.\/?/, "").replace(/\/+$/, "");
  return dir ? `${dir}/${spec.app.dockerfile}` : spec.app.dockerfile;
}

/** The line break a text uses, so saving keeps it. */
export function eolOf(text: string | null): "\n" | "\r\n" {
  return text && /\r\n/.test(text) ? "\r\n" : "\n";
}

/** `text` (from the editor, "\n" breaks) with the file's own line breaks. */
export function withEol(text: string, eol: "\n" | "\r\n"): string {
  return eol === "\n" ? text : text.replace(/\r?\n/g, "\r\n");
}

/** Text as the editor holds it: "\n" breaks only. */
export function normalizeEol(text: string): string {
  return text.replace(/\r\n?/g, "\n");
}

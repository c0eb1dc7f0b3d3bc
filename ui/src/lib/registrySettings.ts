// The repository settings form (spec.image): fields as typed, the checks the backend makes
// when saving, the spec they produce, and how an existing repository differs from the spec.
import type { Encryption, ErrorBody, ImageSpec, ProjectSpec, Repository } from "./bindings";
import { samePolicy } from "./lifecycle";

/** The form as typed (numbers stay text until saved, so a half-typed value is not lost). */
export interface SettingsFields {
  /** Empty: the app's name. */
  repository: string;
  scan_on_push: boolean;
  immutable_tags: boolean;
  encryption: Encryption;
  /** Empty: AWS's own key for ECR. */
  kms_key: string;
  keep_tagged: string;
  expire_untagged_days: string;
  block_on_critical: boolean;
}

export type SettingsField = keyof SettingsFields;

export function settingsFields(image: ImageSpec): SettingsFields {
  return {
    repository: image.repository ?? "",
    scan_on_push: image.scan_on_push,
    immutable_tags: image.immutable_tags,
    encryption: image.encryption,
    kms_key: image.kms_key ?? "",
    keep_tagged: String(image.keep_tagged),
    expire_untagged_days: String(image.expire_untagged_days),
    block_on_critical: image.block_on_critical,
  };
}

/** A whole number the spec can hold (u32), or null. */
function count(text: string): number | null {
  const t = text.trim();
  if (!/^\d{1,10}$/.test(t)) return null;
  const n = Number(t);
  return n <= 0xffff_ffff ? n : null;
}

/**
 * Fields that cannot become a spec at all (the counts must be whole numbers). Everything else,
 * ranges and names included, is the backend's to judge when saving: it answers spec_invalid
 * naming the field, and the form shows that message at the field.
 */
export function settingsProblems(f: SettingsFields): SettingsField[] {
  const out: SettingsField[] = [];
  if (count(f.keep_tagged) === null) out.push("keep_tagged");
  if (count(f.expire_untagged_days) === null) out.push("expire_untagged_days");
  return out;
}

/** The spec with the form's settings (call only when settingsProblems is empty). */
export function withSettings(spec: ProjectSpec, f: SettingsFields): ProjectSpec {
  const repository = f.repository.trim();
  const kms = f.kms_key.trim();
  return {
    ...spec,
    image: {
      ...spec.image,
      repository: repository === "" ? null : repository,
      scan_on_push: f.scan_on_push,
      immutable_tags: f.immutable_tags,
      encryption: f.encryption,
      // The backend refuses a key without KMS encryption; switching to AES-256 drops it.
      kms_key: f.encryption === "kms" && kms !== "" ? kms : null,
      keep_tagged: Number(f.keep_tagged.trim()),
      expire_untagged_days: Number(f.expire_untagged_days.trim()),
      block_on_critical: f.block_on_critical,
    },
  };
}

/** Whether the form says something other than the saved spec. */
export function settingsDirty(spec: ProjectSpec, f: SettingsFields): boolean {
  const a = settingsFields(spec.image);
  return (Object.keys(a) as SettingsField[]).some((k) => {
    if (k === "kms_key" && f.encryption !== "kms") return a.kms_key !== "";
    const x = a[k];
    const y = f[k];
    return typeof x === "string" ? x.trim() !== String(y).trim() : x !== y;
  });
}

export type DriftSetting = "scan_on_push" | "immutable_tags" | "encryption" | "lifecycle";

/** A setting where the repository in ECR differs from the spec. */
export interface SettingDrift {
  setting: DriftSetting;
  /** False for encryption: it is fixed when the repository is created. */
  changeable: boolean;
}

/** How the existing repository differs from the spec: the next push converges the changeable ones. */
export function repositoryDrift(repo: Repository, image: ImageSpec): SettingDrift[] {
  const out: SettingDrift[] = [];
  if (repo.scan_on_push !== image.scan_on_push) out.push({ setting: "scan_on_push", changeable: true });
  if (repo.immutable_tags !== image.immutable_tags) out.push({ setting: "immutable_tags", changeable: true });
  if (repo.encryption !== image.encryption) out.push({ setting: "encryption", changeable: false });
  if (!samePolicy(repo.lifecycle_policy, image)) out.push({ setting: "lifecycle", changeable: true });
  return out;
}

const FIELD_OF: Record<string, SettingsField> = {
  "image.repository": "repository",
  "image.kms_key": "kms_key",
  "image.keep_tagged": "keep_tagged",
  "image.expire_untagged_days": "expire_untagged_days",
};

/**
 * The form fields a spec_invalid error names, with the backend's words for each. The message
 * reads "slipway.toml has 2 problem(s): image.keep_tagged: keep ...; image.kms_key: ...".
 */
export function problemsFromError(error: ErrorBody | null): Partial<Record<SettingsField, string>> {
  const out: Partial<Record<SettingsField, string>> = {};
  if (error?.code !== "spec_invalid") return out;
  const marks = [...error.message.matchAll(/(?:^|[:;] )((?:app|aws|image|service|network)\.[a-z_.]+): /g)];
  marks.forEach((m, i) => {
    const start = m.index + m[0].length;
    const end = marks[i + 1]?.index ?? error.message.length;
    const field = FIELD_OF[m[1]!];
    if (field) out[field] = error.message.slice(start, end).trim();
  });
  return out;
}

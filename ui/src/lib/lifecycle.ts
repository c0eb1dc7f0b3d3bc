// The ECR lifecycle policy Slipway writes for a repository, computed here so the settings form
// can show it before anything is saved. It mirrors `lifecycle_policy` in
// crates/core/src/ecr.rs rule for rule; the tests pin the exact text.
import type { ImageSpec } from "./bindings";

export type LifecycleSettings = Pick<ImageSpec, "keep_tagged" | "expire_untagged_days">;

/** A JSON value (the policy is plain data). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** The policy: expire untagged images after N days, keep the newest K tagged ones (untagged rule first). */
export function lifecyclePolicy(s: LifecycleSettings): Json {
  return {
    rules: [
      {
        rulePriority: 1,
        description: `Expire untagged images ${s.expire_untagged_days} days after they were pushed`,
        selection: {
          tagStatus: "untagged",
          countType: "sinceImagePushed",
          countUnit: "days",
          countNumber: s.expire_untagged_days,
        },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: `Keep the ${s.keep_tagged} newest tagged images`,
        selection: {
          tagStatus: "any",
          countType: "imageCountMoreThan",
          countNumber: s.keep_tagged,
        },
        action: { type: "expire" },
      },
    ],
  };
}

/** The policy text exactly as Slipway sends it to ECR (compact; serde_json keeps the keys in
 * the order crates/core/src/ecr.rs writes them, with `preserve_order`). */
export function lifecyclePolicyText(s: LifecycleSettings): string {
  return JSON.stringify(lifecyclePolicy(s));
}

/** The same policy, indented for reading. */
export function lifecyclePolicyPretty(s: LifecycleSettings): string {
  return JSON.stringify(lifecyclePolicy(s), null, 2);
}

function equal(a: Json, b: Json): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]!));
  }
  if (a && b && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && equal(a[k]!, b[k]!));
  }
  return a === b;
}

/** Whether a repository's policy text (null: none) says the same as the settings' policy, as the backend compares them. */
export function samePolicy(existing: string | null, s: LifecycleSettings): boolean {
  if (existing === null) return false;
  try {
    return equal(JSON.parse(existing) as Json, lifecyclePolicy(s));
  } catch {
    return false;
  }
}

/**
 * The settings a policy text expresses, when it has Slipway's shape (a policy written by hand or
 * by another tool gives null: the form then shows it as "different" without numbers).
 */
export function policySettings(text: string | null): LifecycleSettings | null {
  if (text === null) return null;
  let days: number | undefined;
  let keep: number | undefined;
  try {
    const parsed = JSON.parse(text) as { rules?: { selection?: Record<string, unknown> }[] };
    for (const rule of parsed.rules ?? []) {
      const sel = rule.selection ?? {};
      if (typeof sel.countNumber !== "number") continue;
      if (sel.tagStatus === "untagged" && sel.countType === "sinceImagePushed") days = sel.countNumber;
      else if (sel.tagStatus === "any" && sel.countType === "imageCountMoreThan") keep = sel.countNumber;
    }
  } catch {
    return null;
  }
  return days === undefined || keep === undefined ? null : { keep_tagged: keep, expire_untagged_days: days };
}

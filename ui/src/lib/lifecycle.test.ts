import { describe, expect, it } from "vitest";
import defaultText from "./lifecycle.default.json?raw";
import { lifecyclePolicy, lifecyclePolicyPretty, lifecyclePolicyText, policySettings, samePolicy } from "./lifecycle";

// What crates/core/src/ecr.rs `lifecycle_policy_text` writes for the defaults (keep 10, expire
// untagged after 7 days); a Rust test checks it writes exactly this file.
const RUST_DEFAULT = defaultText.trim();

type Rule = { rulePriority: number; description: string; selection: Record<string, unknown>; action: { type: string } };
const rules = (keep: number, days: number) => (lifecyclePolicy({ keep_tagged: keep, expire_untagged_days: days }) as { rules: Rule[] }).rules;

describe("the lifecycle policy", () => {
  it("is the text Slipway's backend writes, byte for byte", () => {
    expect(lifecyclePolicyText({ keep_tagged: 10, expire_untagged_days: 7 })).toBe(RUST_DEFAULT);
  });

  it("expires untagged images first and keeps the newest tagged ones (the Rust test's rules)", () => {
    const [untagged, tagged] = rules(5, 3) as [Rule, Rule];
    expect(untagged.selection).toEqual({ tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 3 });
    expect(tagged.selection).toEqual({ tagStatus: "any", countType: "imageCountMoreThan", countNumber: 5 });
    expect(untagged.action).toEqual({ type: "expire" });
    expect(tagged.action).toEqual({ type: "expire" });
    // ECR wants the tagStatus "any" rule to have the lowest priority (highest number).
    expect(tagged.rulePriority).toBeGreaterThan(untagged.rulePriority);
    expect(untagged.description).toBe("Expire untagged images 3 days after they were pushed");
    expect(tagged.description).toBe("Keep the 5 newest tagged images");
  });

  it("reads the same indented as compact, with the same key order", () => {
    const s = { keep_tagged: 25, expire_untagged_days: 14 };
    const pretty = lifecyclePolicyPretty(s);
    expect(JSON.stringify(JSON.parse(pretty))).toBe(lifecyclePolicyText(s));
    expect(pretty.split("\n")[3]).toBe('      "rulePriority": 1,');
    expect(pretty).toContain('"countNumber": 25');
  });

  it("compares a repository's policy by meaning, as the backend does before rewriting it", () => {
    const s = { keep_tagged: 10, expire_untagged_days: 7 };
    expect(samePolicy(RUST_DEFAULT, s)).toBe(true);
    expect(samePolicy(lifecyclePolicyPretty(s), s)).toBe(true);
    expect(samePolicy(RUST_DEFAULT, { keep_tagged: 11, expire_untagged_days: 7 })).toBe(false);
    expect(samePolicy(null, s)).toBe(false);
    expect(samePolicy("not json", s)).toBe(false);
    expect(samePolicy('{"rules":[]}', s)).toBe(false);
  });

  it("reads the numbers back from a policy of Slipway's shape, and nothing from another", () => {
    expect(policySettings(lifecyclePolicyText({ keep_tagged: 30, expire_untagged_days: 14 }))).toEqual({ keep_tagged: 30, expire_untagged_days: 14 });
    expect(policySettings(null)).toBeNull();
    expect(policySettings("{")).toBeNull();
    const other = '{"rules":[{"rulePriority":1,"selection":{"tagStatus":"tagged","tagPrefixList":["v"],"countType":"imageCountMoreThan","countNumber":3},"action":{"type":"expire"}}]}';
    expect(policySettings(other)).toBeNull();
  });
});

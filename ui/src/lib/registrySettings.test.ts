import { describe, expect, it } from "vitest";
import { mockSpec } from "../mocks/spec";
import type { ErrorBody, Repository } from "./bindings";
import { lifecyclePolicyText } from "./lifecycle";
import { problemsFromError, repositoryDrift, settingsDirty, settingsFields, settingsProblems, withSettings } from "./registrySettings";

const spec = mockSpec({ name: "shop-api", path: ".", dockerfile: "Dockerfile", port: 5000, health_path: "/health" });
const repo = (over: Partial<Repository> = {}): Repository => ({
  name: "shop-api",
  uri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-api",
  arn: "arn:aws:ecr:us-east-1:123456789012:repository/shop-api",
  scan_on_push: true,
  immutable_tags: true,
  encryption: "aes256",
  kms_key: null,
  lifecycle_policy: lifecyclePolicyText(spec.image),
  project: "shop-api",
  created_ms: 0,
  ...over,
});

describe("the repository settings form", () => {
  it("reads the spec and writes the same spec back when nothing changed", () => {
    const fields = settingsFields(spec.image);
    expect(fields).toMatchObject({ repository: "", keep_tagged: "10", expire_untagged_days: "7", encryption: "aes256", kms_key: "" });
    expect(withSettings(spec, fields)).toEqual(spec);
    expect(settingsDirty(spec, fields)).toBe(false);
  });

  it("writes what was typed, trimmed, with empty text as unset", () => {
    const f = { ...settingsFields(spec.image), repository: " team/shop-api ", keep_tagged: " 25", encryption: "kms" as const, kms_key: " alias/slipway " };
    expect(settingsDirty(spec, f)).toBe(true);
    expect(withSettings(spec, f).image).toMatchObject({ repository: "team/shop-api", keep_tagged: 25, encryption: "kms", kms_key: "alias/slipway" });
    expect(withSettings(spec, { ...f, repository: "" }).image.repository).toBeNull();
  });

  it("drops the KMS key with AES-256 (the backend refuses a key without KMS)", () => {
    const f = { ...settingsFields(spec.image), encryption: "aes256" as const, kms_key: "alias/slipway" };
    expect(withSettings(spec, f).image.kms_key).toBeNull();
    expect(settingsDirty(spec, f)).toBe(false);
  });

  it("only refuses counts that are not whole numbers; ranges are the backend's to judge", () => {
    const f = settingsFields(spec.image);
    expect(settingsProblems({ ...f, keep_tagged: "0", expire_untagged_days: "99999" })).toEqual([]);
    expect(settingsProblems({ ...f, keep_tagged: "2.5", expire_untagged_days: "" })).toEqual(["keep_tagged", "expire_untagged_days"]);
    expect(settingsProblems({ ...f, keep_tagged: "-1" })).toEqual(["keep_tagged"]);
    expect(settingsProblems({ ...f, keep_tagged: "99999999999" })).toEqual(["keep_tagged"]);
  });

  it("puts the backend's validation message at the field it names", () => {
    const error: ErrorBody = {
      code: "spec_invalid",
      message:
        "slipway.toml has 3 problem(s): image.platform: 'linux/s390x' is not a platform Fargate runs; use linux/amd64 or linux/arm64; image.keep_tagged: keep between 1 and 10000 tagged images; image.repository: not a valid ECR repository name: it may contain only lowercase letters, digits, and . _ - / as separators ('S' is not allowed)",
      hint: "Correct image.platform in slipway.toml.",
    };
    expect(problemsFromError(error)).toEqual({
      keep_tagged: "keep between 1 and 10000 tagged images",
      repository: "not a valid ECR repository name: it may contain only lowercase letters, digits, and . _ - / as separators ('S' is not allowed)",
    });
    expect(problemsFromError({ ...error, code: "would_overwrite" })).toEqual({});
    expect(problemsFromError(null)).toEqual({});
  });
});

describe("an existing repository against the spec", () => {
  it("is in line when every setting matches", () => {
    expect(repositoryDrift(repo(), spec.image)).toEqual([]);
  });

  it("lists what the next push changes, and encryption as fixed", () => {
    const drifted = repo({ scan_on_push: false, immutable_tags: false, encryption: "kms", lifecycle_policy: lifecyclePolicyText({ keep_tagged: 30, expire_untagged_days: 14 }) });
    expect(repositoryDrift(drifted, spec.image)).toEqual([
      { setting: "scan_on_push", changeable: true },
      { setting: "immutable_tags", changeable: true },
      { setting: "encryption", changeable: false },
      { setting: "lifecycle", changeable: true },
    ]);
    expect(repositoryDrift(repo({ lifecycle_policy: null }), spec.image)).toEqual([{ setting: "lifecycle", changeable: true }]);
  });
});

import { describe, expect, it } from "vitest";
import type { DoctorCheck } from "./bindings";
import { checkTestId, groupChecks, progress, summarize } from "./doctor";

const check = (id: string, group: DoctorCheck["group"], status: DoctorCheck["status"]): DoctorCheck => ({
  id,
  group,
  status,
  detail: null,
  error: null,
  duration_ms: 1,
});

describe("doctor presentation", () => {
  it("groups checks by area, keeping arrival order", () => {
    const g = groupChecks([check("aws.region", "aws", "ok"), check("docker.engine", "docker", "fail"), check("aws.profile", "aws", "ok")]);
    expect(g.aws.map((c) => c.id)).toEqual(["aws.region", "aws.profile"]);
    expect(g.docker).toHaveLength(1);
    expect(g.practice).toHaveLength(0);
  });

  it("is all good only when nothing failed and something passed", () => {
    expect(summarize([check("a", "aws", "ok"), check("b", "aws", "skipped"), check("c", "aws", "warn")]).allGood).toBe(true);
    const bad = summarize([check("a", "aws", "ok"), check("b", "docker", "fail")]);
    expect(bad).toMatchObject({ ok: 1, fail: 1, allGood: false });
    expect(summarize([]).allGood).toBe(false);
    expect(summarize([check("a", "aws", "skipped")]).allGood).toBe(false);
  });

  it("derives stable test ids and bounded progress", () => {
    expect(checkTestId("practice.aws_endpoint")).toBe("check-practice-aws_endpoint");
    expect(progress(0)).toBe(0);
    expect(progress(7)).toBe(1);
    expect(progress(12)).toBe(1);
  });
});

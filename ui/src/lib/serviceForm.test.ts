import { describe, expect, it } from "vitest";
import { mockSpec } from "../mocks/spec";
import { envRecord, envRows, fieldErrors, formProblems, newEnvRow, otherErrors, parseSubnets, specChanged } from "./serviceForm";

const spec = () => mockSpec({ name: "shop-api", path: ".", dockerfile: "Dockerfile", port: 5000, health_path: "/health" });

describe("service settings form", () => {
  it("accepts the backend's defaults", () => {
    expect(formProblems(spec(), [])).toEqual({});
  });

  it("names the fields it can tell are wrong", () => {
    const s = spec();
    s.service.memory = 4096;
    s.service.min_healthy_percent = 100;
    s.service.max_percent = 100;
    s.service.desired_count = null as unknown as number; // an emptied number input
    s.service.autoscaling = { min: 5, max: 2, cpu_target: 95 };
    const rows = [...envRows({ PORT: "5000" }), { ...newEnvRow(), name: "2FAST" }];
    expect(formProblems(s, rows)).toEqual({
      "service.memory": "size",
      "service.desired_count": "range",
      "service.max_percent": "stuck",
      "service.environment": "name",
      "service.autoscaling": "bounds",
      "service.autoscaling.cpu_target": "range",
    });
  });

  it("turns env rows into the spec's map, leaving out rows without a name", () => {
    const rows = [...envRows({ LOG_LEVEL: "info" }), newEnvRow(), { ...newEnvRow(), name: " FEATURE_X ", value: "on" }];
    expect(envRecord(rows)).toEqual({ LOG_LEVEL: "info", FEATURE_X: "on" });
    expect(formProblems(spec(), [...rows, { ...newEnvRow(), name: "LOG_LEVEL" }])["service.environment"]).toBe("duplicate");
  });

  it("spreads a spec_invalid message over the fields it names, messages with '; ' kept whole", () => {
    const errors = fieldErrors({
      code: "spec_invalid",
      message:
        "slipway.toml has 3 problem(s): service.max_percent: with min_healthy_percent = 100 and max_percent = 100 a deployment can neither stop an old task nor start a new one; raise max_percent (e.g. 200) or lower min_healthy_percent; service.certificate_arn: 'x' is not an ACM certificate ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID); service.secrets: DB: 'pw' must be the ARN of a Secrets Manager secret or an SSM parameter",
      hint: "Correct service.max_percent in slipway.toml.",
    });
    expect(Object.keys(errors)).toEqual(["service.max_percent", "service.certificate_arn", "service.secrets"]);
    expect(errors["service.max_percent"]).toMatch(/; raise max_percent \(e\.g\. 200\) or lower min_healthy_percent$/);
    expect(errors["service.certificate_arn"]).toMatch(/^'x' is not an ACM certificate ARN/);
    expect(otherErrors(errors)).toEqual([["service.secrets", "DB: 'pw' must be the ARN of a Secrets Manager secret or an SSM parameter"]]);
  });

  it("joins two problems of one field and ignores other errors", () => {
    const errors = fieldErrors({ code: "spec_invalid", message: "slipway.toml has 2 problem(s): network.subnets: needs two; network.subnets: 'x' is not a subnet id", hint: "" });
    expect(errors).toEqual({ "network.subnets": "needs two; 'x' is not a subnet id" });
    expect(fieldErrors({ code: "spec_invalid", message: "slipway.toml cannot be read: expected `=`", hint: "" })).toEqual({});
    expect(fieldErrors({ code: "internal", message: "slipway.toml has 1 problem(s): app.port: bad", hint: "" })).toEqual({});
  });

  it("reads subnets however they were separated, and notices edits", () => {
    expect(parseSubnets(" subnet-a, subnet-b\nsubnet-c ")).toEqual(["subnet-a", "subnet-b", "subnet-c"]);
    const saved = spec();
    const draft = spec();
    expect(specChanged(saved, draft, [])).toBe(false);
    draft.service.cpu = 512;
    expect(specChanged(saved, draft, [])).toBe(true);
    expect(specChanged(saved, spec(), envRows({ A: "1" }))).toBe(true);
  });
});

// A whole ProjectSpec for the mock backend and tests, with the Rust side's defaults
// (crates/core/src/spec): the real app always gets specs from the backend.
import type { AppSpec, ImageSpec, ProjectSpec } from "../lib/bindings";

export function mockSpec(app: AppSpec, image: Partial<ImageSpec> = {}): ProjectSpec {
  return {
    app,
    aws: { profile: null, region: null },
    image: {
      platform: "linux/amd64",
      tag_policy: "git_sha",
      repository: null,
      scan_on_push: true,
      immutable_tags: true,
      encryption: "aes256",
      kms_key: null,
      keep_tagged: 10,
      expire_untagged_days: 7,
      block_on_critical: false,
      ...image,
    },
    service: {
      cpu: 256,
      memory: 512,
      desired_count: 2,
      min_healthy_percent: 100,
      max_percent: 200,
      grace_period_seconds: 60,
      circuit_breaker: true,
      log_retention_days: 14,
      task_role: false,
      certificate_arn: null,
      environment: {},
      secrets: {},
      health_check: { interval_seconds: 15, timeout_seconds: 5, healthy_threshold: 2, unhealthy_threshold: 3, matcher: "200-399" },
      autoscaling: null,
    },
    network: { vpc_id: null, subnets: [], assign_public_ip: true },
  };
}

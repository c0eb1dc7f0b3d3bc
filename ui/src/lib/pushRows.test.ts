import { describe, expect, it } from "vitest";
import type { EcrImage, LayerState, PushProgress, Repository } from "./bindings";
import { applyPushProgress, emptyPush, foldPush, pushPhase, pushTotals, stopLayers } from "./pushRows";

const repository: Repository = {
  name: "shop-api",
  uri: "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop-api",
  arn: "arn:aws:ecr:us-east-1:123456789012:repository/shop-api",
  scan_on_push: true,
  immutable_tags: true,
  encryption: "aes256",
  kms_key: null,
  lifecycle_policy: null,
  project: "shop-api",
  created_ms: 1,
};
const verified: EcrImage = { digest: "sha256:7d9a", tags: ["3f2a1bc"], size: 97_400_000, pushed_ms: 2, scan_status: "IN_PROGRESS", finding_counts: {} };
const layer = (id: string, state: LayerState, current = 0, total: number | null = null): PushProgress => ({
  kind: "push",
  event: { kind: "layer", id, state, current, total },
});
const start: PushProgress[] = [
  { kind: "repository", repository, created: true, updated: [], notes: [] },
  { kind: "logged_in", server: "123456789012.dkr.ecr.us-east-1.amazonaws.com", expires_ms: 43_200_000 },
  { kind: "push", event: { kind: "started", image: "shop-api:3f2a1bc", target: "127.0.0.1:5050/shop-api:3f2a1bc" } },
  layer("a3c8e1f0b7d2", "preparing"),
  layer("5e9d2c4b8a17", "preparing"),
  layer("2d6e98fb4e2c", "preparing"),
  layer("a3c8e1f0b7d2", "waiting"),
  layer("5e9d2c4b8a17", "waiting"),
  layer("2d6e98fb4e2c", "already_exists"),
];

describe("push progress", () => {
  it("has a row per layer in the order the engine named them, with its state", () => {
    const p = foldPush(start);
    expect(p.layers.map((r) => [r.id, r.state])).toEqual([
      ["a3c8e1f0b7d2", "waiting"],
      ["5e9d2c4b8a17", "waiting"],
      ["2d6e98fb4e2c", "already_exists"],
    ]);
    expect(p.repository?.created).toBe(true);
    expect(p.login).toEqual({ expiresMs: 43_200_000 });
    expect(p.started?.target).toBe("127.0.0.1:5050/shop-api:3f2a1bc");
    expect(pushPhase(p)).toBe("layers");
  });

  it("adds up the bytes of the layers being sent, not of those the registry has", () => {
    const p = foldPush([...start, layer("a3c8e1f0b7d2", "pushing", 500_000, 2_000_000), layer("5e9d2c4b8a17", "pushing", 1_000_000, 100_000_000)]);
    expect(pushTotals(p.layers)).toEqual({ layersDone: 1, layersTotal: 3, layersSent: 0, layersExisting: 1, bytesDone: 1_500_000, bytesTotal: 102_000_000 });
    applyPushProgress(p, layer("a3c8e1f0b7d2", "pushed"));
    expect(p.layers[0]).toMatchObject({ state: "pushed", current: 2_000_000, total: 2_000_000 });
    expect(pushTotals(p.layers)).toMatchObject({ layersDone: 2, layersSent: 1, bytesDone: 3_000_000 });
  });

  it("never counts more than a layer's size, and keeps its size when a later event omits it", () => {
    const p = foldPush([...start, layer("5e9d2c4b8a17", "pushing", 120_000_000, 100_000_000), layer("5e9d2c4b8a17", "pushing", 90_000, null)]);
    const r = p.layers[1]!;
    expect(r.total).toBe(100_000_000);
    expect(r.current).toBe(120_000_000);
    expect(pushTotals(p.layers).bytesDone).toBe(100_000_000);
  });

  it("does not take a finished layer back to pushing on a late progress line", () => {
    const p = foldPush([...start, layer("a3c8e1f0b7d2", "pushing", 10, 20), layer("a3c8e1f0b7d2", "pushed"), layer("a3c8e1f0b7d2", "pushing", 15, 20)]);
    expect(p.layers[0]).toMatchObject({ state: "pushed", current: 20 });
  });

  it("counts retries, and starts unfinished layers over after a renewed login", () => {
    const p = foldPush([
      ...start,
      layer("a3c8e1f0b7d2", "pushing", 10, 20),
      layer("5e9d2c4b8a17", "retrying"),
      layer("5e9d2c4b8a17", "retrying"),
      layer("5e9d2c4b8a17", "pushing", 5, 50),
      layer("5e9d2c4b8a17", "retrying"),
      { kind: "push", event: { kind: "reauthenticating", reason: "The registry login expired" } },
      { kind: "logged_in", server: "x", expires_ms: null },
    ]);
    expect(p.layers[1]!.retries).toBe(2);
    expect(p.layers.map((r) => [r.state, r.current])).toEqual([
      ["waiting", 0],
      ["waiting", 0],
      ["already_exists", 0],
    ]);
    expect(p.reauthenticating).toEqual(["The registry login expired"]);
    expect(p.logins).toBe(2);
    expect(p.login).toEqual({ expiresMs: null });
  });

  it("ends with the digest, the registration and ECR's confirmation", () => {
    const p = foldPush([
      ...start,
      layer("a3c8e1f0b7d2", "pushed"),
      layer("5e9d2c4b8a17", "mounted"),
      { kind: "push", event: { kind: "pushed", tag: "3f2a1bc", digest: "sha256:7d9a", size: 1788 } },
    ]);
    expect(pushPhase(p)).toBe("confirming");
    expect(pushTotals(p.layers)).toMatchObject({ layersDone: 3, layersSent: 1, layersExisting: 2 });
    applyPushProgress(p, { kind: "registered", digest: "sha256:7d9a" });
    applyPushProgress(p, { kind: "verified", image: verified });
    expect(p.registered).toBe("sha256:7d9a");
    expect(p.verified).toEqual(verified);
    expect(pushPhase(p)).toBe("verified");
  });

  it("marks the unfinished layers stopped when the push ends early", () => {
    const p = stopLayers(foldPush([...start, layer("a3c8e1f0b7d2", "pushing", 10, 20)]));
    expect(p.layers.map((r) => r.state)).toEqual(["stopped", "stopped", "already_exists"]);
  });

  it("starts empty, before the repository is even known", () => {
    expect(pushPhase(emptyPush())).toBe("repository");
    expect(pushPhase(foldPush(start.slice(0, 1)))).toBe("login");
    expect(pushTotals([])).toEqual({ layersDone: 0, layersTotal: 0, layersSent: 0, layersExisting: 0, bytesDone: 0, bytesTotal: 0 });
  });
});

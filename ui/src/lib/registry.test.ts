import { beforeEach, describe, expect, it, vi } from "vitest";
import { mockSpec } from "../mocks/spec";
import type { Channel, EcrImage, LocalBuild, ProjectSpec, PushOutcome, PushProgress, Repository } from "./bindings";

// The backend, faked: each test says what a command answers; channels deliver synchronously.
const fake = vi.hoisted(() => ({
  push: null as null | ((channel: { onmessage: (m: unknown) => void }) => Promise<unknown>),
  images: [] as unknown[],
  saved: [] as unknown[],
  reports: [] as string[],
}));
vi.mock("./backend", async () => {
  const actual = await vi.importActual<typeof import("./backend")>("./backend");
  class FakeChannel {
    onmessage: (m: unknown) => void = () => {};
  }
  const spec = mockSpec({ name: "shop-api", path: ".", dockerfile: "Dockerfile", port: 5000, health_path: "/health" });
  return {
    ...actual,
    Channel: FakeChannel,
    loadSpec: async () => structuredClone(spec),
    saveSpec: async (_path: string, s: ProjectSpec) => {
      fake.saved.push(s);
      return s;
    },
    ecrRepository: async () => null,
    localBuilds: async (): Promise<LocalBuild[]> => [
      { reference: "shop-api:3f2a1bc", tag: "3f2a1bc", id: "sha256:9f86", size: 1, created_s: 2, latest: true },
      { reference: "shop-api:8d0c7e2", tag: "8d0c7e2", id: "sha256:4a1c", size: 1, created_s: 1, latest: false },
    ],
    listImages: async () => structuredClone(fake.images),
    scanReport: async (_path: string, digest: string) => {
      fake.reports.push(digest);
      return { status: "IN_PROGRESS", description: null, finding_counts: {}, findings: [] };
    },
    pushImage: (_path: string, _image: string | null, _operation: string, channel: Channel<PushProgress>) => fake.push!(channel as never),
    cancelOperation: async () => true,
  };
});

const { isDirty, loadRegistry, registryFor, saveSettings, selectImage, startPush } = await import("./registry.svelte");

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
const pushed: EcrImage = { digest: "sha256:7d9a", tags: ["3f2a1bc"], size: 1, pushed_ms: 5, scan_status: "IN_PROGRESS", finding_counts: {} };
const outcome: PushOutcome = { repository, tag: "3f2a1bc", digest: "sha256:7d9a", image_uri: `${repository.uri}:3f2a1bc`, layers_pushed: 1, layers_existing: 1 };
const send = (channel: { onmessage: (m: unknown) => void }, events: PushProgress[]) => events.forEach((e) => channel.onmessage(e));
const layer = (id: string, state: "pushing" | "pushed" | "already_exists"): PushProgress => ({ kind: "push", event: { kind: "layer", id, state, current: 1, total: 2 } });

let n = 0;
async function session() {
  const s = registryFor(`/home/lan/shop-api-${n++}`);
  await loadRegistry(s);
  return s;
}

beforeEach(() => {
  fake.images = [];
  fake.saved = [];
  fake.reports = [];
});

describe("the registry session", () => {
  it("chooses the newest local build and reads the settings from the spec", async () => {
    const s = await session();
    expect(s.chosen).toBe("shop-api:3f2a1bc");
    expect(s.fields?.keep_tagged).toBe("10");
    expect(s.repositoryChecked).toBe(true);
    expect(s.repository).toBeNull();
  });

  it("streams a push into its rows, then lists the image and opens its scan", async () => {
    const s = await session();
    fake.push = async (channel) => {
      send(channel, [
        { kind: "repository", repository, created: true, updated: [], notes: [] },
        { kind: "logged_in", server: "x", expires_ms: 9 },
        layer("a3c8e1f0b7d2", "pushing"),
        layer("2d6e98fb4e2c", "already_exists"),
        layer("a3c8e1f0b7d2", "pushed"),
        { kind: "verified", image: pushed },
      ]);
      expect(s.push.running).toBe(true);
      fake.images = [pushed];
      return outcome;
    };
    await startPush(s);
    expect(s.push).toMatchObject({ running: false, error: null, cancelled: false, result: outcome, image: "shop-api:3f2a1bc" });
    expect(s.push.progress.layers.map((l) => l.state)).toEqual(["pushed", "already_exists"]);
    expect(s.repository?.uri).toBe(repository.uri);
    expect(s.images?.map((i) => i.digest)).toEqual(["sha256:7d9a"]);
    expect(s.selected).toBe("sha256:7d9a");
    expect(fake.reports).toEqual(["sha256:7d9a"]);
  });

  it("takes a cancelled push as stopped, not failed", async () => {
    const s = await session();
    fake.push = async (channel) => {
      send(channel, [layer("a3c8e1f0b7d2", "pushing")]);
      throw { code: "cancelled", message: "The push was cancelled.", hint: "" };
    };
    await startPush(s);
    expect(s.push).toMatchObject({ running: false, cancelled: true, error: null, result: null });
    expect(s.push.progress.layers[0]?.state).toBe("stopped");
  });

  it("keeps the repository a refused push found or created", async () => {
    const s = await session();
    fake.push = async (channel) => {
      send(channel, [{ kind: "repository", repository, created: false, updated: [], notes: [] }]);
      throw { code: "image_tag_exists", message: "The tag 3f2a1bc is already in shop-api", hint: "Commit and build again." };
    };
    await startPush(s);
    expect(s.push.error?.code).toBe("image_tag_exists");
    expect(s.repository?.name).toBe("shop-api");
  });

  it("keeps unsaved settings across a reload, and saves them through the spec", async () => {
    const s = await session();
    s.fields!.keep_tagged = "25";
    expect(isDirty(s)).toBe(true);
    await loadRegistry(s);
    expect(s.fields!.keep_tagged).toBe("25");
    await saveSettings(s);
    expect((fake.saved[0] as ProjectSpec).image.keep_tagged).toBe(25);
    expect(isDirty(s)).toBe(false);
    expect(s.savedAt).not.toBeNull();
  });

  it("opens and closes an image's scan, and asks for none when it was not scanned", async () => {
    fake.images = [{ ...pushed, digest: "sha256:aaaa", scan_status: null }, pushed];
    const s = await session();
    selectImage(s, "sha256:aaaa");
    expect(s.selected).toBe("sha256:aaaa");
    expect(fake.reports).toEqual([]);
    selectImage(s, "sha256:7d9a");
    await vi.waitFor(() => expect(s.report?.status).toBe("IN_PROGRESS"));
    selectImage(s, "sha256:7d9a");
    expect(s.selected).toBeNull();
    expect(s.report).toBeNull();
  });
});

// The mock's ECR and registry (step 3): a repository that does not exist until the first push,
// two local builds, pushes that stream realistic PushProgress (five layers, the base ones
// already there, bars moving, the digest, verification) over about three seconds, scans that
// finish a moment after the push, and a report with CRITICAL CVEs. Scenarios:
//   push-tag-exists  the repository exists with immutable tags and the newest build's tag
//   push-auth        the registry refuses the login, also after Slipway fetched a new one
//   registry-drift   the repository exists with settings other than slipway.toml's
import type { Channel } from "@tauri-apps/api/core";
import type { EcrImage, ImageSpec, LayerState, LocalBuild, ProjectSpec, PushOutcome, PushProgress, Repository, ScanFinding, ScanReport } from "../lib/bindings";
import { lifecyclePolicyText } from "../lib/lifecycle";
import { loadSpec, type MockProject } from "./project";

const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const ECR_HOST = `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`;
const PRACTICE_REGISTRY = "127.0.0.1:5050";
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends on a channel with the ordering index Tauri's Channel expects. */
function sender<T>(channel: Channel<T>): (message: T) => void {
  let index = 0;
  return (message) => window.__TAURI_INTERNALS__.runCallback(channel.id, { index: index++, message });
}

const cancelled = new Set<string>();

export function cancelOperation(operation: string): boolean {
  cancelled.add(operation);
  return true;
}

/** What a basic scan of python:3.12-slim-bookworm plus the app's wheels finds (most severe first). */
const FINDINGS: ScanFinding[] = [
  {
    name: "CVE-2023-45853",
    severity: "CRITICAL",
    description: "MiniZip in zlib through 1.3 has an integer overflow and resultant heap-based buffer overflow in zipOpenNewFileInZip4_64 via a long filename, comment, or extra field. NOTE: MiniZip is not a supported part of the zlib product.",
    uri: "https://security-tracker.debian.org/tracker/CVE-2023-45853",
    package: "zlib 1:1.2.13.dfsg-1",
  },
  {
    name: "CVE-2024-45491",
    severity: "CRITICAL",
    description: "An issue was discovered in libexpat before 2.6.3. dtdCopy in xmlparse.c can have an integer overflow for nDefaultAtts on 32-bit platforms (where UINT_MAX equals SIZE_MAX).",
    uri: "https://security-tracker.debian.org/tracker/CVE-2024-45491",
    package: "expat 2.5.0-1",
  },
  {
    name: "CVE-2023-31484",
    severity: "HIGH",
    description: "CPAN.pm before 2.35 does not verify TLS certificates when downloading distributions over HTTPS.",
    uri: "https://security-tracker.debian.org/tracker/CVE-2023-31484",
    package: "perl 5.36.0-7+deb12u1",
  },
  {
    name: "CVE-2023-52425",
    severity: "HIGH",
    description: "libexpat through 2.5.0 allows a denial of service (resource consumption) because many full reparsings are required in the case of a large token for which multiple buffer fills are needed.",
    uri: "https://security-tracker.debian.org/tracker/CVE-2023-52425",
    package: "expat 2.5.0-1",
  },
  {
    name: "CVE-2024-6119",
    severity: "HIGH",
    description: "Applications performing certificate name checks (e.g., TLS clients checking server certificates) may attempt to read an invalid memory address resulting in abnormal termination of the application process. Impact summary: Abnormal termination of an application can a cause a denial of service. Applications performing certificate name checks (e.g., TLS clients checking server certificates) may attempt to read an invalid memory address when comparing the expected name with an `otherName` subject alternative name of an X.509 certificate. This may result in an exception that terminates the application program.",
    uri: "https://security-tracker.debian.org/tracker/CVE-2024-6119",
    package: "openssl 3.0.11-1~deb12u2",
  },
  {
    name: "CVE-2023-4641",
    severity: "MEDIUM",
    description: "A flaw was found in shadow-utils. When asking for a new password, shadow-utils asks the password twice. If the password fails on the second attempt, shadow-utils fails in cleaning the buffer used to store the first entry. This may allow an attacker with enough access to retrieve the password from the memory.",
    uri: "https://security-tracker.debian.org/tracker/CVE-2023-4641",
    package: "shadow 1:4.13+dfsg1-1",
  },
  {
    name: "CVE-2024-2511",
    severity: "MEDIUM",
    description: "Some non-default TLS server configurations can cause unbounded memory growth when processing TLSv1.3 sessions.",
    uri: "https://security-tracker.debian.org/tracker/CVE-2024-2511",
    package: "openssl 3.0.11-1~deb12u2",
  },
  {
    name: "CVE-2011-3374",
    severity: "LOW",
    description: "It was found that apt-key in apt, all versions, do not correctly validate gpg keys with the master keyring, leading to a potential man-in-the-middle attack.",
    uri: "https://security-tracker.debian.org/tracker/CVE-2011-3374",
    package: "apt 2.6.1",
  },
];

/** An older image also has findings of the lesser kinds. */
const OLDER_FINDINGS: ScanFinding[] = [
  ...FINDINGS,
  {
    name: "CVE-2022-0563",
    severity: "INFORMATIONAL",
    description: "A flaw was found in the util-linux chfn and chsh utilities when compiled with Readline support.",
    uri: "https://security-tracker.debian.org/tracker/CVE-2022-0563",
    package: "util-linux 2.38.1-5+b1",
  },
  { name: "CVE-2005-2541", severity: "UNDEFINED", description: "Tar 1.15.1 does not properly warn the user when extracting setuid or setgid files.", uri: null, package: "tar 1.34+dfsg-1.2+deb12u1" },
];

function counts(findings: readonly ScanFinding[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of findings) out[f.severity] = (out[f.severity] ?? 0) + 1;
  return out;
}

interface MockLayer {
  id: string;
  size: number;
}

const BASE_LAYERS: MockLayer[] = [
  { id: "2d6e98fb4e2c", size: 9_200_000 },
  { id: "f7b75fe1f735", size: 74_800_000 },
];

interface MockBuild extends LocalBuild {
  digest: string;
  /** Top layer first, as the engine lists them. */
  layers: MockLayer[];
  /** What the image weighs in ECR (compressed). */
  pushedSize: number;
}

function builds(name: string, now: number): MockBuild[] {
  const python: MockLayer = { id: "c4f1a9e7d350", size: 41_300_000 };
  const pip: MockLayer = { id: "5e9d2c4b8a17", size: 104_600_000 };
  return [
    {
      reference: `${name}:3f2a1bc`,
      tag: "3f2a1bc",
      id: "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
      size: 231_700_000,
      created_s: Math.floor((now - 20 * MINUTE) / 1000),
      latest: true,
      digest: "sha256:7d9a54c0e1b2f3a4958d6c7b8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f90123",
      layers: [{ id: "a3c8e1f0b7d2", size: 1_900_000 }, pip, python, ...BASE_LAYERS],
      pushedSize: 97_400_000,
    },
    {
      reference: `${name}:8d0c7e2`,
      tag: "8d0c7e2",
      id: "sha256:4a1c7f3e9b2d8a6c5e0f1d3b7a9c2e4f6b8d0a1c3e5f7b9d2a4c6e8f0b1d3a5c",
      size: 231_500_000,
      created_s: Math.floor((now - 26 * HOUR) / 1000),
      latest: false,
      digest: "sha256:e3b1c4d5f6a7980b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b",
      layers: [{ id: "0b5d7f9e1c3a", size: 1_880_000 }, pip, python, ...BASE_LAYERS],
      pushedSize: 97_380_000,
    },
  ];
}

interface StoredImage extends EcrImage {
  findings: ScanFinding[];
  /** When the scan finishes (it runs on push). */
  scanReadyAt: number | null;
}

interface MockRepository {
  repository: Repository;
  images: StoredImage[];
  /** Layers the registry holds for this repository. */
  layers: Set<string>;
}

const repositories = new Map<string, MockRepository>();
let seeded = false;

function repositoryName(spec: ProjectSpec): string {
  return spec.image.repository ?? spec.app.name;
}

function makeRepository(name: string, image: ImageSpec, project: string | null, created: number): Repository {
  return {
    name,
    uri: `${ECR_HOST}/${name}`,
    arn: `arn:aws:ecr:${REGION}:${ACCOUNT}:repository/${name}`,
    scan_on_push: image.scan_on_push,
    immutable_tags: image.immutable_tags,
    encryption: image.encryption,
    kms_key: image.encryption === "kms" ? (image.kms_key ?? `arn:aws:kms:${REGION}:${ACCOUNT}:key/0f3c2a7e-5b1d-4c9a-8e6f-2d4b7a9c1e30`) : null,
    lifecycle_policy: lifecyclePolicyText(image),
    project,
    created_ms: created,
  };
}

function stored(digest: string, tags: string[], size: number, pushed: number, findings: ScanFinding[] | null): StoredImage {
  return { digest, tags, size, pushed_ms: pushed, scan_status: findings ? "COMPLETE" : null, finding_counts: findings ? counts(findings) : {}, findings: findings ?? [], scanReadyAt: null };
}

/** The repositories a scenario starts with. */
function seed(scenario: string, spec: ProjectSpec): void {
  if (seeded) return;
  seeded = true;
  const now = Date.now();
  const name = repositoryName(spec);
  const list = builds(spec.app.name, now);
  const known = new Set([...BASE_LAYERS.map((l) => l.id)]);
  if (scenario === "push-tag-exists") {
    const [newest, older] = list as [MockBuild, MockBuild];
    for (const l of [...newest.layers, ...older.layers]) known.add(l.id);
    repositories.set(name, {
      repository: makeRepository(name, spec.image, spec.app.name, now - 6 * DAY),
      layers: known,
      images: [
        stored(newest.digest, [newest.tag], newest.pushedSize, now - 2 * HOUR, FINDINGS),
        stored(older.digest, [older.tag], older.pushedSize, now - 26 * HOUR, FINDINGS.slice(2)),
        stored("sha256:b5c2e8f1a4d7093c6e5b8a1f4d7c0e3b6a9f2c5e8b1d4a7f0c3e6b9d2f5a8c1e", [], 96_900_000, now - 4 * DAY, OLDER_FINDINGS),
      ],
    });
  } else if (scenario === "registry-drift") {
    const drifted: ImageSpec = { ...spec.image, scan_on_push: false, immutable_tags: false, encryption: "kms", kms_key: null, keep_tagged: 30, expire_untagged_days: 14 };
    repositories.set(name, {
      repository: { ...makeRepository(name, drifted, null, now - 40 * DAY) },
      layers: known,
      images: [stored("sha256:c9a0b1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0", ["v0.9.0"], 95_100_000, now - 12 * DAY, null)],
    });
  } else if (scenario.startsWith("monitor")) {
    // Step 6 shows the image the service runs beside its health map.
    const [newest] = list as [MockBuild];
    repositories.set(name, {
      repository: makeRepository(name, spec.image, spec.app.name, now - 6 * DAY),
      layers: new Set([...known, ...newest.layers.map((l) => l.id)]),
      images: [stored(newest.digest, [newest.tag], newest.pushedSize, now - 2 * HOUR, null)],
    });
  }
}

function repoOf(p: MockProject, scenario: string): { spec: ProjectSpec; name: string; repo: MockRepository | undefined } {
  const spec = loadSpec(p);
  seed(scenario, spec);
  const name = repositoryName(spec);
  return { spec, name, repo: repositories.get(name) };
}

/** Settles scans whose time has come. */
function settle(images: StoredImage[]): void {
  const now = Date.now();
  for (const i of images) {
    if (i.scanReadyAt !== null && i.scanReadyAt <= now) {
      i.scan_status = "COMPLETE";
      i.finding_counts = counts(i.findings);
      i.scanReadyAt = null;
    }
  }
}

const publicImage = ({ findings: _f, scanReadyAt: _r, ...image }: StoredImage): EcrImage => ({ ...image, tags: [...image.tags], finding_counts: { ...image.finding_counts } });

export function ecrRepository(p: MockProject, scenario: string): Repository | null {
  const { repo } = repoOf(p, scenario);
  return repo ? { ...repo.repository } : null;
}

export function listRepositories(): Repository[] {
  return [...repositories.values()].map((r) => ({ ...r.repository })).sort((a, b) => a.name.localeCompare(b.name));
}

export function localBuilds(p: MockProject): LocalBuild[] {
  const spec = loadSpec(p);
  return builds(spec.app.name, Date.now()).map(({ reference, tag, id, size, created_s, latest }) => ({ reference, tag, id, size, created_s, latest }));
}

export function listImages(p: MockProject, scenario: string): EcrImage[] {
  const { repo } = repoOf(p, scenario);
  if (!repo) return [];
  settle(repo.images);
  return [...repo.images].sort((a, b) => (b.pushed_ms ?? 0) - (a.pushed_ms ?? 0)).map(publicImage);
}

export function scanReport(p: MockProject, scenario: string, digest: string): ScanReport {
  const { name, repo } = repoOf(p, scenario);
  const image = repo?.images.find((i) => i.digest === digest);
  if (!repo || !image) {
    throw {
      code: "aws_call_failed",
      message: `ECR DescribeImageScanFindings failed: ImageNotFoundException: The image with imageId {imageDigest:'${digest}'} does not exist within the repository with name '${name}' in the registry with id '${ACCOUNT}'`,
      hint: "Refresh the images list: the image may have been deleted or expired by the lifecycle policy.",
    };
  }
  settle(repo.images);
  if (image.scan_status === null) {
    throw {
      code: "aws_call_failed",
      message: `ECR DescribeImageScanFindings failed: ScanNotFoundException: Image scan does not exist for the image with '{imageDigest:'${digest}'}' in the repository with name '${name}'`,
      hint: "Turn on scan on push and push again to have new images scanned.",
    };
  }
  if (image.scan_status === "IN_PROGRESS") return { status: "IN_PROGRESS", description: null, finding_counts: {}, findings: [] };
  return { status: "COMPLETE", description: "The scan was completed successfully.", finding_counts: counts(image.findings), findings: image.findings.map((f) => ({ ...f })) };
}

/** The backend's checks of the image settings when slipway.toml is saved (crates/core/src/spec). */
export function checkImageSpec(spec: ProjectSpec): void {
  const problems: [string, string][] = [];
  const name = repositoryName(spec);
  const bad = [...name].find((c) => !/[a-z0-9._/-]/.test(c));
  const part = name.split("/").find((x) => !/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(x));
  const nameRule =
    name.length < 2 || name.length > 256
      ? `must be 2 to 256 characters long (it has ${name.length})`
      : bad !== undefined
        ? `may contain only lowercase letters, digits, and . _ - / as separators ('${bad}' is not allowed)`
        : part !== undefined && (!/^[a-z0-9]/.test(part) || !/[a-z0-9]$/.test(part))
          ? "each part between slashes must start and end with a lowercase letter or digit"
          : part !== undefined
            ? "separators (. _ -) must sit between letters or digits, one at a time"
            : null;
  // The backend's words, as it joins them ("it" + the rule).
  if (nameRule) problems.push(["image.repository", `not a valid ECR repository name: it ${nameRule}`]);
  if (spec.image.keep_tagged === 0 || spec.image.keep_tagged > 10_000) problems.push(["image.keep_tagged", "keep between 1 and 10000 tagged images"]);
  if (spec.image.expire_untagged_days === 0 || spec.image.expire_untagged_days > 3650) problems.push(["image.expire_untagged_days", "expire untagged images after 1 to 3650 days"]);
  if (spec.image.encryption === "aes256" && spec.image.kms_key !== null) problems.push(["image.kms_key", 'a KMS key needs encryption = "kms"']);
  if (problems.length) {
    throw {
      code: "spec_invalid",
      message: `slipway.toml has ${problems.length} problem(s): ${problems.map(([f, m]) => `${f}: ${m}`).join("; ")}`,
      hint: `Correct ${problems[0]![0]} in slipway.toml.`,
    };
  }
}

const short = (digest: string) => digest.replace(/^sha256:/, "").slice(0, 12);

/** Pushes a local build: the repository found or created, a login, the layers, the digest checked. */
export async function pushImage(p: MockProject, scenario: string, practice: boolean, image: string | null, operation: string, channel: Channel<PushProgress>): Promise<PushOutcome> {
  const send = sender(channel);
  const { spec, name } = repoOf(p, scenario);
  const all = builds(spec.app.name, Date.now());
  const build = image ? all.find((b) => b.reference === image) : all[0];
  if (!build) throw { code: "image_not_found", message: `The image ${image} is not on this machine.`, hint: "Build it first in step 2 (Build & run)." };
  const check = () => {
    if (cancelled.has(operation)) throw { code: "cancelled", message: "The push was cancelled.", hint: "" };
  };

  await sleep(250);
  check();
  let repo = repositories.get(name);
  const created = !repo;
  const updated: string[] = [];
  const notes: string[] = [];
  if (!repo) {
    repo = { repository: makeRepository(name, spec.image, spec.app.name, Date.now()), images: [], layers: new Set(BASE_LAYERS.map((l) => l.id)) };
    repositories.set(name, repo);
  } else {
    const r = repo.repository;
    if (r.scan_on_push !== spec.image.scan_on_push) updated.push("scan on push");
    if (r.immutable_tags !== spec.image.immutable_tags) updated.push("tag mutability");
    if (r.lifecycle_policy !== lifecyclePolicyText(spec.image)) updated.push("lifecycle policy");
    if (r.encryption !== spec.image.encryption) {
      notes.push(`The repository is encrypted with ${r.encryption === "kms" ? "Kms" : "Aes256"}; encryption cannot change after creation (create a new repository to change it).`);
    }
    repo.repository = { ...r, scan_on_push: spec.image.scan_on_push, immutable_tags: spec.image.immutable_tags, lifecycle_policy: lifecyclePolicyText(spec.image) };
  }
  const repository = { ...repo.repository };
  send({ kind: "repository", repository, created, updated, notes });

  const existing = repository.immutable_tags ? repo.images.find((i) => i.tags.includes(build.tag)) : undefined;
  if (existing) {
    throw {
      code: "image_tag_exists",
      message: `The tag ${build.tag} is already in ${name} (image ${short(existing.digest)}), and its tags are immutable.`,
      hint: "Immutable tags mean a tag always names one build. Commit your change and build again for a new tag, or push the image that already has this tag.",
    };
  }

  const target = practice ? `${PRACTICE_REGISTRY}/${name}:${build.tag}` : `${repository.uri}:${build.tag}`;
  const server = practice ? PRACTICE_REGISTRY : ECR_HOST;
  const attempts = scenario === "push-auth" ? 2 : 1;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    await sleep(200);
    check();
    send({ kind: "logged_in", server: ECR_HOST, expires_ms: Date.now() + 12 * HOUR });
    send({ kind: "push", event: { kind: "started", image: build.reference, target } });
    const layer = (id: string, state: LayerState, current = 0, total: number | null = null) => send({ kind: "push", event: { kind: "layer", id, state, current, total } });
    for (const l of build.layers) {
      await sleep(40);
      layer(l.id, "preparing");
    }
    if (scenario === "push-auth") {
      await sleep(300);
      const message = `The registry ${server} refused the login: unauthorized: authentication required`;
      if (attempt < attempts) {
        send({ kind: "push", event: { kind: "reauthenticating", reason: message } });
        continue;
      }
      throw {
        code: "registry_auth_failed",
        message,
        hint: "Check that the profile may push to this repository (ecr:InitiateLayerUpload, ecr:UploadLayerPart, ecr:CompleteLayerUpload, ecr:PutImage), and that the repository exists in this account and region.",
      };
    }
  }

  // The engine asks the registry which layers it has, then uploads the others side by side.
  const layer = (id: string, state: LayerState, current = 0, total: number | null = null) => send({ kind: "push", event: { kind: "layer", id, state, current, total } });
  const toSend = build.layers.filter((l) => !repo.layers.has(l.id));
  const there = build.layers.filter((l) => repo.layers.has(l.id));
  await sleep(150);
  for (const l of toSend) layer(l.id, "waiting");
  await sleep(200);
  for (const l of there) {
    await sleep(80);
    check();
    layer(l.id, "already_exists");
  }
  // About 2.2 s of upload at a steady speed shared by the layers still going.
  const sent = new Map(toSend.map((l) => [l.id, 0]));
  const total = toSend.reduce((s, l) => s + l.size, 0);
  const ticks = 18;
  for (let tick = 1; sent.size > 0; tick++) {
    await sleep(120);
    check();
    const going = [...sent.keys()];
    const share = total / ticks / Math.max(1, going.length);
    for (const id of going) {
      const l = toSend.find((x) => x.id === id)!;
      const now = Math.min(l.size, sent.get(id)! + Math.max(share, l.size / 6));
      layer(id, "pushing", Math.round(now), l.size);
      if (now >= l.size) {
        sent.delete(id);
        layer(id, "pushed");
      } else sent.set(id, now);
    }
    if (tick > 200) break;
  }
  for (const l of toSend) repo.layers.add(l.id);
  send({ kind: "push", event: { kind: "pushed", tag: build.tag, digest: build.digest, size: 1788 } });
  if (practice) {
    await sleep(200);
    check();
    send({ kind: "registered", digest: build.digest });
  }
  await sleep(250);
  check();
  // A tag moves to the new image when tags are mutable.
  for (const i of repo.images) i.tags = i.tags.filter((t) => t !== build.tag);
  const pushed: StoredImage = {
    digest: build.digest,
    tags: [build.tag],
    size: build.pushedSize,
    pushed_ms: Date.now(),
    scan_status: spec.image.scan_on_push ? "IN_PROGRESS" : null,
    finding_counts: {},
    findings: FINDINGS,
    scanReadyAt: spec.image.scan_on_push ? Date.now() + 2500 : null,
  };
  repo.images = [pushed, ...repo.images.filter((i) => i.digest !== build.digest)];
  send({ kind: "verified", image: publicImage(pushed) });
  return {
    repository,
    tag: build.tag,
    digest: build.digest,
    image_uri: `${repository.uri}:${build.tag}`,
    layers_pushed: toSend.length,
    layers_existing: there.length,
  };
}

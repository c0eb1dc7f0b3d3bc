// A push as the person follows it: the stages (repository, login, upload, registration,
// verification), one row per layer, and overall totals, folded from the PushProgress events
// the backend streams. Pure, so every rule is unit-tested.
import type { EcrImage, LayerState, PushProgress, Repository } from "./bindings";

/** A layer's state, plus "stopped" for one that was unfinished when the push failed or was cancelled. */
export type LayerRowState = LayerState | "stopped";

/** One layer of the image, in the order the engine first named it. */
export interface LayerRow {
  /** The engine's short layer id (12 hex digits). */
  id: string;
  state: LayerRowState;
  /** Bytes sent so far, as the engine counts them. */
  current: number;
  /** The layer's size, once the engine says (it does when the upload starts). */
  total: number | null;
  /** How many times the engine retried this layer. */
  retries: number;
}

export interface PushProgressState {
  repository: { repository: Repository; created: boolean; updated: string[]; notes: string[] } | null;
  /** When the registry login stops working (nothing else of the login is kept). */
  login: { expiresMs: number | null } | null;
  /** How many logins the push needed (2 after an expired one was renewed). */
  logins: number;
  started: { image: string; target: string } | null;
  layers: LayerRow[];
  /** Why a login had to be renewed mid-push. */
  reauthenticating: string[];
  /** The registry accepted the manifest. */
  pushed: { tag: string; digest: string; size: number } | null;
  /** Practice mode: the manifest was registered with the ECR API under this digest. */
  registered: string | null;
  /** ECR lists the pushed digest under the tag. */
  verified: EcrImage | null;
}

export function emptyPush(): PushProgressState {
  return { repository: null, login: null, logins: 0, started: null, layers: [], reauthenticating: [], pushed: null, registered: null, verified: null };
}

/** Whether a layer is finished: sent, or not needed because the registry has it. */
export function layerDone(state: LayerRowState): boolean {
  return state === "pushed" || state === "already_exists" || state === "mounted";
}

/** Whether nothing of the layer was sent (the registry had it, or copied it from another repository). */
export function layerSkipped(state: LayerRowState): boolean {
  return state === "already_exists" || state === "mounted";
}

function rowFor(p: PushProgressState, id: string): LayerRow {
  let r = p.layers.find((l) => l.id === id);
  if (!r) {
    r = { id, state: "preparing", current: 0, total: null, retries: 0 };
    p.layers.push(r);
    // Return the stored row: `p` may be a Svelte state proxy that wraps what it stores.
    r = p.layers[p.layers.length - 1]!;
  }
  return r;
}

/** Applies one event to `p` in place (it may be a Svelte state proxy) and returns it. */
export function applyPushProgress(p: PushProgressState, e: PushProgress): PushProgressState {
  switch (e.kind) {
    case "repository":
      p.repository = { repository: e.repository, created: e.created, updated: e.updated, notes: e.notes };
      break;
    case "logged_in":
      p.login = { expiresMs: e.expires_ms };
      p.logins++;
      break;
    case "registered":
      p.registered = e.digest;
      break;
    case "verified":
      p.verified = e.image;
      break;
    case "push": {
      const ev = e.event;
      switch (ev.kind) {
        case "started":
          p.started = { image: ev.image, target: ev.target };
          break;
        case "layer": {
          const r = rowFor(p, ev.id);
          // A late progress line must not take a finished layer back to "pushing".
          if (layerDone(r.state) && !layerDone(ev.state)) break;
          if (ev.state === "retrying" && r.state !== "retrying") r.retries++;
          r.state = ev.state;
          if (ev.total !== null) r.total = ev.total;
          if (ev.state === "pushing") r.current = Math.max(r.current, ev.current);
          if (ev.state === "pushed" && r.total !== null) r.current = r.total;
          break;
        }
        case "pushed":
          p.pushed = { tag: ev.tag, digest: ev.digest, size: ev.size };
          break;
        case "reauthenticating":
          p.reauthenticating.push(ev.reason);
          // The engine pushes again with the new login: unfinished layers start over.
          for (const r of p.layers) {
            if (!layerDone(r.state)) {
              r.state = "waiting";
              r.current = 0;
            }
          }
          break;
      }
      break;
    }
  }
  return p;
}

/** The progress for a whole list of events. */
export function foldPush(events: readonly PushProgress[]): PushProgressState {
  return events.reduce(applyPushProgress, emptyPush());
}

/** Marks the unfinished layers as stopped (the push failed or was cancelled). */
export function stopLayers(p: PushProgressState): PushProgressState {
  for (const r of p.layers) if (!layerDone(r.state)) r.state = "stopped";
  return p;
}

export interface PushTotals {
  layersDone: number;
  layersTotal: number;
  /** Layers whose bytes went over the wire. */
  layersSent: number;
  /** Layers the registry already had (or mounted): nothing sent. */
  layersExisting: number;
  /** Bytes sent, across the layers that need sending and whose size is known. */
  bytesDone: number;
  bytesTotal: number;
}

/** Overall numbers for the progress bar and the summary line. */
export function pushTotals(layers: readonly LayerRow[]): PushTotals {
  const t: PushTotals = { layersDone: 0, layersTotal: layers.length, layersSent: 0, layersExisting: 0, bytesDone: 0, bytesTotal: 0 };
  for (const r of layers) {
    if (layerDone(r.state)) t.layersDone++;
    if (layerSkipped(r.state)) {
      t.layersExisting++;
      continue;
    }
    if (r.state === "pushed") t.layersSent++;
    if (r.total === null) continue;
    t.bytesTotal += r.total;
    t.bytesDone += r.state === "pushed" ? r.total : Math.min(r.current, r.total);
  }
  return t;
}

export type PushPhase = "repository" | "login" | "layers" | "confirming" | "verified";

/** Where the push is, for the heading while it runs. */
export function pushPhase(p: PushProgressState): PushPhase {
  if (p.verified) return "verified";
  if (p.pushed) return "confirming";
  if (p.started) return "layers";
  if (p.repository) return "login";
  return "repository";
}

// Step 6's live state for one visit of the screen: the watch (a channel of looks and milestones,
// cancelled when the screen goes), the window's visibility told to the backend so it pauses its
// AWS calls, the toasts for milestones, and the zero-downtime check.
import * as backend from "./backend";
import { Channel, type ErrorBody, type Milestone, type MonitorEvent, type MonitorUpdate, type ProbeSample, type DowntimeReport } from "./backend";
import { operationId } from "./buildRun.svelte";

export interface Toast {
  id: number;
  milestone: Milestone;
}

export interface DowntimeState {
  url: string;
  rate: number;
  operation: string | null;
  running: boolean;
  samples: ProbeSample[];
  report: DowntimeReport | null;
  error: ErrorBody | null;
}

/** Samples kept for the chart (10/s for 6 minutes). */
const MAX_SAMPLES = 3600;

export class MonitorWatch {
  update: MonitorUpdate | null = $state.raw(null);
  /** When the next look comes (Date.now() based), from the last update. */
  nextLookAt: number | null = $state(null);
  hidden = $state(typeof document !== "undefined" && document.hidden);
  error: ErrorBody | null = $state(null);
  toasts: Toast[] = $state([]);
  zd: DowntimeState = $state({ url: "", rate: 5, operation: null, running: false, samples: [], report: null, error: null });
  private operation: string | null = null;
  private toastIds = 0;

  constructor(readonly path: string) {}

  /** Starts watching; returns the function that stops it (the screen's cleanup). */
  start(): () => void {
    const op = operationId();
    this.operation = op;
    const channel = new Channel<MonitorEvent>();
    channel.onmessage = (e) => this.onEvent(e);
    backend.watchService(this.path, op, channel).catch((e) => {
      const error = backend.toErrorBody(e);
      if (this.operation === op && error.code !== "cancelled") this.error = error;
    });
    const onVisibility = () => {
      this.hidden = document.hidden;
      void backend.setWindowVisible(!document.hidden).catch(() => {});
    };
    document.addEventListener("visibilitychange", onVisibility);
    void backend.setWindowVisible(!document.hidden).catch(() => {});
    return () => {
      document.removeEventListener("visibilitychange", onVisibility);
      this.operation = null;
      void backend.cancelOperation(op).catch(() => {});
      if (this.zd.operation) void backend.cancelOperation(this.zd.operation).catch(() => {});
    };
  }

  private onEvent(e: MonitorEvent): void {
    if (e.kind === "update") {
      this.update = e.data;
      this.nextLookAt = e.data.next_look_ms === null ? null : Date.now() + e.data.next_look_ms;
      this.error = null;
    } else {
      const id = ++this.toastIds;
      this.toasts = [...this.toasts, { id, milestone: e.data }];
      setTimeout(() => this.dismiss(id), 12_000);
    }
  }

  dismiss(id: number): void {
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }

  /** Starts the zero-downtime check with the panel's URL and rate. */
  async startCheck(): Promise<void> {
    const z = this.zd;
    if (z.running) return;
    const op = operationId();
    Object.assign(z, { operation: op, running: true, samples: [], report: null, error: null });
    const channel = new Channel<ProbeSample>();
    // Samples arrive up to 10 a second: batch them into one update per frame.
    let pending: ProbeSample[] = [];
    let frame = 0;
    const flush = () => {
      frame = 0;
      if (z.operation !== op) return;
      const next = z.samples.concat(pending);
      pending = [];
      z.samples = next.length > MAX_SAMPLES ? next.slice(next.length - MAX_SAMPLES) : next;
    };
    channel.onmessage = (s) => {
      pending.push(s);
      if (!frame) frame = requestAnimationFrame(flush);
    };
    try {
      const report = await backend.zeroDowntimeCheck(this.path, z.url.trim(), z.rate, op, channel);
      if (z.operation === op) z.report = report;
    } catch (e) {
      const error = backend.toErrorBody(e);
      if (z.operation === op && error.code !== "cancelled") z.error = error;
    } finally {
      if (z.operation === op) {
        if (frame) cancelAnimationFrame(frame);
        flush();
        z.running = false;
      }
    }
  }

  stopCheck(): void {
    if (this.zd.operation) void backend.cancelOperation(this.zd.operation).catch(() => {});
  }
}

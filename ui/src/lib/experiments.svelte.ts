// The labs' experiments for this session: one state per project and step, kept while the
// learner goes to the health map and back (a load test keeps running meanwhile, and a stopped
// task's id is still there on return).
import * as backend from "./backend";
import { Channel, type BadDeploy, type ErrorBody, type LoadReport, type LoadSample, type LoadTarget } from "./backend";
import { operationId } from "./buildRun.svelte";
import { LOAD_BOUNDS, loadProblems, wholeNumber, type LoadProblem } from "./experiments";

/** An experiment that is one call after a confirm: stopping a task, the broken deploy. */
export class OneShot<T> {
  confirming = $state(false);
  busy = $state(false);
  result: T | null = $state(null);
  error: ErrorBody | null = $state(null);

  constructor(private readonly call: () => Promise<T>) {}

  async run(): Promise<void> {
    if (this.busy) return;
    this.confirming = false;
    this.busy = true;
    this.error = null;
    try {
      this.result = await this.call();
    } catch (e) {
      this.result = null;
      this.error = backend.toErrorBody(e);
    } finally {
      this.busy = false;
    }
  }
}

/** The load test: where it goes, the form, the run and its report. */
export class LoadRun {
  target: LoadTarget | null = $state(null);
  targetError: ErrorBody | null = $state(null);
  targetLoading = $state(false);
  url = $state("");
  requests: number | string | null = $state(LOAD_BOUNDS.requests.default);
  concurrency: number | string | null = $state(LOAD_BOUNDS.concurrency.default);
  /** What the last Start found wrong with the form (nothing was sent then). */
  problems: LoadProblem[] = $state([]);
  operation: string | null = $state(null);
  running = $state(false);
  stopping = $state(false);
  /** The requests asked for by the run shown. */
  asked = $state(0);
  samples: LoadSample[] = $state.raw([]);
  report: LoadReport | null = $state.raw(null);
  error: ErrorBody | null = $state(null);
  private targetAsked = false;

  constructor(private readonly path: string) {}

  /** Asks the backend once where the load test should go, and prefills the URL with it. */
  async loadTarget(): Promise<void> {
    if (this.targetAsked) return;
    this.targetAsked = true;
    this.targetLoading = true;
    try {
      this.target = await backend.experimentTarget(this.path);
      if (this.target.url && this.url.trim() === "") this.url = this.target.url;
    } catch (e) {
      this.targetError = backend.toErrorBody(e);
      this.targetAsked = false;
    } finally {
      this.targetLoading = false;
    }
  }

  /** Starts the load test, unless the form is out of bounds (then says why, sending nothing). */
  async start(): Promise<void> {
    if (this.running) return;
    this.problems = loadProblems(this);
    if (this.problems.length) return;
    const requests = wholeNumber(this.requests)!;
    const concurrency = wholeNumber(this.concurrency)!;
    const op = operationId();
    Object.assign(this, { operation: op, running: true, stopping: false, asked: requests, report: null, error: null });
    this.samples = [];
    const channel = new Channel<LoadSample>();
    channel.onmessage = (s) => {
      if (this.operation === op) this.samples = [...this.samples, s];
    };
    try {
      const report = await backend.loadTest(this.path, this.url.trim(), requests, concurrency, op, channel);
      if (this.operation === op) {
        this.report = report;
        if (report.samples.length >= this.samples.length) this.samples = report.samples;
      }
    } catch (e) {
      const error = backend.toErrorBody(e);
      if (this.operation === op && error.code !== "cancelled") this.error = error;
    } finally {
      if (this.operation === op) {
        this.running = false;
        this.stopping = false;
        this.operation = null;
      }
    }
  }

  /** Asks the backend to stop; the report of what was sent comes back from `start`. */
  stop(): void {
    if (!this.operation || this.stopping) return;
    this.stopping = true;
    void backend.cancelOperation(this.operation).catch(() => {});
  }
}

/** Every experiment a step can run, for one project. */
export class StepExperiments {
  readonly stopTask: OneShot<string>;
  readonly badDeploy: OneShot<BadDeploy>;
  readonly load: LoadRun;

  constructor(path: string) {
    this.stopTask = new OneShot(() => backend.stopOneTask(path));
    this.badDeploy = new OneShot(() => backend.badDeploy(path));
    this.load = new LoadRun(path);
  }
}

// Not reactive on purpose: each StepExperiments is, and it is made while the page is drawn.
const all: Record<string, StepExperiments> = Object.create(null);

/** The experiments of one lab step in one project, the same object for the whole session. */
export function experimentsOf(path: string, lab: string, step: string): StepExperiments {
  return (all[`${path}\n${lab}\n${step}`] ??= new StepExperiments(path));
}

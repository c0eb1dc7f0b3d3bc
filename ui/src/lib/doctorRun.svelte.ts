// The Doctor's last run, kept for the whole session: leaving the screen and coming back shows
// the same results, and the automatic first run happens only once.
import * as backend from "./backend";
import { Channel, type DoctorCheck, type ErrorBody } from "./backend";
import { refreshConnection } from "./state.svelte";

export const doctor = $state({
  checks: [] as DoctorCheck[],
  running: false,
  finished: false,
  error: null as ErrorBody | null,
  started: false,
});

/** Runs every check, showing each one as it streams in through the channel. */
export async function runChecks(): Promise<void> {
  if (doctor.running) return;
  doctor.started = true;
  doctor.running = true;
  doctor.finished = false;
  doctor.error = null;
  doctor.checks = [];
  const channel = new Channel<DoctorCheck>();
  channel.onmessage = (c) => {
    doctor.checks = [...doctor.checks, c];
  };
  try {
    const report = await backend.runDoctor(channel);
    doctor.checks = report.checks;
    doctor.finished = true;
    if (report.ok) void refreshConnection();
  } catch (e) {
    doctor.error = backend.toErrorBody(e);
  } finally {
    doctor.running = false;
  }
}

/** The automatic run the first time the Doctor opens. */
export function runOnce(): void {
  if (!doctor.started) void runChecks();
}

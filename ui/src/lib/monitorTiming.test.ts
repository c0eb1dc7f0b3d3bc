import { describe, expect, it } from "vitest";
import { activityKey, PIPELINE_IDLE_MS, PIPELINE_LIVE_MS, pipelinePollDelay, secondsUntil } from "./monitorTiming";

describe("when the Monitor step looks again", () => {
  it("looks at the pipeline every 5 s while a run goes on, 30 s otherwise, never while hidden", () => {
    expect(pipelinePollDelay("in_progress", false)).toBe(PIPELINE_LIVE_MS);
    expect(pipelinePollDelay("stopping", false)).toBe(5_000);
    expect(pipelinePollDelay("failed", false)).toBe(PIPELINE_IDLE_MS);
    expect(pipelinePollDelay(null, false)).toBe(30_000);
    expect(pipelinePollDelay("in_progress", true)).toBeNull();
  });

  it("counts down whole seconds to the next look, never below zero", () => {
    expect(secondsUntil(10_500, 1_000)).toBe(10);
    expect(secondsUntil(1_000, 5_000)).toBe(0);
    expect(secondsUntil(null, 0)).toBeNull();
  });

  it("says paused while the window is hidden, whatever the last look said", () => {
    expect(activityKey("moving", true)).toBe("paused");
    expect(activityKey("hidden", false)).toBe("paused");
    expect(activityKey("steady", false)).toBe("steady");
    expect(activityKey(null, false)).toBe("starting");
  });
});

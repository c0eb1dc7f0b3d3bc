import { get } from "svelte/store";
import { _, addMessages, init } from "svelte-i18n";
import { beforeAll, describe, expect, it } from "vitest";
import serviceEn from "./i18n/service.en.json";
import { rollingPlan, rollingSentence } from "./rolling";

/** The sentence as the settings form shows it in English. */
function say(desired: number, min: number, max: number): string {
  const s = rollingSentence(rollingPlan(desired, min, max));
  return get(_)(`service.rolling.${s.key}`, { values: { ...s.values, minPct: min, maxPct: max } });
}

beforeAll(() => {
  addMessages("en", { service: serviceEn });
  init({ fallbackLocale: "en", initialLocale: "en" });
});

describe("rolling deployments", () => {
  it("starts all new tasks first with 100% / 200%, never dropping below the desired count", () => {
    const p = rollingPlan(2, 100, 200);
    expect(p).toMatchObject({ minRunning: 2, maxRunning: 4, first: "start", firstCount: 2, rounds: 1, stuck: false });
    expect(p.frames).toEqual([
      { old: 2, new: 0 },
      { old: 2, new: 2 },
      { old: 0, new: 2 },
    ]);
    expect(say(2, 100, 200)).toBe("With 2 tasks at 100% / 200%: starts 2 new tasks, then stops the 2 old ones; never fewer than 2 running.");
  });

  it("replaces a few at a time when the maximum leaves little room", () => {
    const p = rollingPlan(4, 100, 150);
    expect(p).toMatchObject({ minRunning: 4, maxRunning: 6, first: "start", firstCount: 2, rounds: 2 });
    expect(p.frames.at(-1)).toEqual({ old: 0, new: 4 });
    expect(p.frames.every((f) => f.old + f.new >= 4 && f.old + f.new <= 6)).toBe(true);
    expect(say(4, 100, 150)).toBe(
      "With 4 tasks at 100% / 150%: starts 2 new tasks at a time and stops as many old ones once they pass health checks (2 rounds); never fewer than 4 and never more than 6 running.",
    );
  });

  it("stops old tasks first when the maximum is 100%", () => {
    const p = rollingPlan(2, 50, 100);
    expect(p).toMatchObject({ minRunning: 1, maxRunning: 2, first: "stop", firstCount: 1, rounds: 2 });
    expect(p.frames).toEqual([
      { old: 2, new: 0 },
      { old: 1, new: 0 },
      { old: 1, new: 1 },
      { old: 0, new: 1 },
      { old: 0, new: 2 },
    ]);
    expect(say(2, 50, 100)).toBe(
      "With 2 tasks at 50% / 100%: stops 1 old task first to make room, then starts new ones in their place (2 rounds); as few as 1 running meanwhile.",
    );
  });

  it("rounds like ECS: the minimum up, the maximum down", () => {
    expect(rollingPlan(3, 50, 150)).toMatchObject({ minRunning: 2, maxRunning: 4 });
    expect(rollingPlan(1, 50, 150)).toMatchObject({ minRunning: 1, maxRunning: 1, stuck: true });
  });

  it("says when the numbers can never finish a deployment", () => {
    expect(rollingPlan(2, 100, 100).stuck).toBe(true);
    expect(say(2, 100, 100)).toMatch(/could neither start a new task nor stop an old one/);
  });

  it("lets a single task go down to zero with 0% / 100%", () => {
    const p = rollingPlan(1, 0, 100);
    expect(p).toMatchObject({ minRunning: 0, first: "stop", stuck: false });
    expect(p.frames).toContainEqual({ old: 0, new: 0 });
  });

  it("has nothing to roll out with no tasks", () => {
    expect(rollingSentence(rollingPlan(0, 100, 200)).key).toBe("none");
    expect(say(1, 100, 200)).toBe("With 1 task at 100% / 200%: starts 1 new task, then stops the old one; never fewer than 1 running.");
  });
});

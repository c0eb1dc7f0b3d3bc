import { describe, expect, it } from "vitest";
import type { ProfileSummary } from "./bindings";
import { isPractice, orderProfiles } from "./profiles";

const p = (name: string, kind: ProfileSummary["kind"]): ProfileSummary => ({ name, kind, region: null });

describe("profile picker order", () => {
  it("puts the built-in practice profile first, then default, then by name", () => {
    const input = [p("zeta", "sso"), p("default", "static_keys"), p("alpha", "assume_role"), p("practice", "practice")];
    expect(orderProfiles(input).map((x) => x.name)).toEqual(["practice", "default", "alpha", "zeta"]);
    expect(input[0]?.name).toBe("zeta");
  });

  it("recognises the practice profile by its kind", () => {
    expect(isPractice(p("practice", "practice"))).toBe(true);
    expect(isPractice(p("default", "static_keys"))).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { repairNavigatorLocale, repairedTag } from "./navigatorLocale";

describe("repairedTag", () => {
  it("leaves valid tags alone", () => {
    expect(repairedTag("en-US")).toBeNull();
    expect(repairedTag("vi")).toBeNull();
    expect(repairedTag("vi-VN")).toBeNull();
  });
  it("replaces the C and POSIX locales with en-US", () => {
    expect(repairedTag("C")).toBe("en-US");
    expect(repairedTag("C.UTF-8")).toBe("en-US");
    expect(repairedTag("POSIX")).toBe("en-US");
    expect(repairedTag("")).toBe("en-US");
    expect(repairedTag(undefined)).toBe("en-US");
  });
  it("turns POSIX locale names into language tags", () => {
    expect(repairedTag("vi_VN.UTF-8")).toBe("vi-VN");
    expect(repairedTag("en_GB")).toBe("en-GB");
    expect(repairedTag("de_DE@euro")).toBe("de-DE");
  });
  it("gives a tag every Intl constructor accepts", () => {
    for (const raw of ["C", "C.UTF-8", "vi_VN.UTF-8", "POSIX", "x"]) {
      const tag = repairedTag(raw) ?? raw;
      expect(() => new Intl.NumberFormat(tag)).not.toThrow();
    }
  });
});

describe("repairNavigatorLocale", () => {
  it("redefines an invalid navigator.language so libraries reading it at import time load", () => {
    const nav = { language: "C", languages: ["C"] } as unknown as Navigator;
    repairNavigatorLocale(nav);
    expect(nav.language).toBe("en-US");
    expect(nav.languages).toEqual(["en-US"]);
    expect(() => new Intl.NumberFormat(nav.language)).not.toThrow();
  });
  it("keeps a valid navigator as it is", () => {
    const nav = { language: "vi-VN", languages: ["vi-VN", "en"] } as unknown as Navigator;
    repairNavigatorLocale(nav);
    expect(nav.language).toBe("vi-VN");
    expect(nav.languages).toEqual(["vi-VN", "en"]);
  });
});

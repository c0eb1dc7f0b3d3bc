import { describe, expect, it } from "vitest";
import { COMMON_REGIONS, isValidRegion } from "./region";

describe("region codes", () => {
  it("accepts real region codes, including GovCloud and China", () => {
    for (const r of [...COMMON_REGIONS, "us-gov-west-1", "cn-north-1", "eu-central-2"]) expect(isValidRegion(r), r).toBe(true);
  });

  it("rejects what people mistype", () => {
    for (const r of ["", "us-east", "US-EAST-1", "us-east-1a", "us_east_1", "singapore", "ap-southeast-1 x"]) {
      expect(isValidRegion(r), r).toBe(false);
    }
  });
});

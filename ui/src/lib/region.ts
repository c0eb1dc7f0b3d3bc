// Region names as AWS writes them: ap-southeast-1, us-gov-west-1.
const REGION = /^[a-z]+(-[a-z]+){1,2}-\d+$/;

/** Whether `r` looks like an AWS region code; empty means "use the profile's region". */
export function isValidRegion(r: string): boolean {
  return REGION.test(r.trim());
}

/** Regions offered in the picker (the field also accepts any other valid code). */
export const COMMON_REGIONS = [
  "ap-southeast-1",
  "ap-southeast-2",
  "ap-northeast-1",
  "ap-east-1",
  "ap-south-1",
  "us-east-1",
  "us-east-2",
  "us-west-2",
  "eu-west-1",
  "eu-central-1",
] as const;

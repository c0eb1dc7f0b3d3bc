// After the journeys (files run in name order, so this one last): the real app's data folder
// (its SQLite store with the journal, its log files at the level scripts/e2e sets) holds none
// of the secrets the app handled: the registry password, ECR's login token and the password in
// it, the practice AWS secret key.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";

const root = new URL("../..", import.meta.url).pathname;

function files(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else out.push(p);
  }
  return out;
}

test("the app's store, journal and logs hold no secret after the journeys", () => {
  const data = process.env.SLIPWAY_DATA_DIR;
  assert.ok(data && existsSync(data), "scripts/e2e sets SLIPWAY_DATA_DIR");
  const state = process.env.SLIPWAY_PRACTICE_DIR || join(process.env.HOME, ".local", "state", "slipway", "practice");
  const password = readFileSync(join(state, "registry", "password"), "utf8").trim();
  const port = (process.env.SLIPWAY_MOTO_PORT || "4566").trim();
  const script = `import boto3, base64
ecr = boto3.client('ecr', endpoint_url='http://127.0.0.1:${port}', region_name='us-east-1', aws_access_key_id='x', aws_secret_access_key='x')
t = ecr.get_authorization_token()['authorizationData'][0]['authorizationToken']
print(t); print(base64.b64decode(t).decode().split(':', 1)[1])`;
  const [token, ecrPassword] = execFileSync(join(root, ".venv", "bin", "python"), ["-c", script], { encoding: "utf8" }).trim().split("\n");
  const secrets = {
    "registry password": password,
    "ECR token": token,
    "ECR password": ecrPassword,
    "AWS secret key": "practice-secret-not-valid-on-aws",
    // crates/aws/src/connection.rs, Connection::PRACTICE_SESSION_TOKEN: sent with every request.
    "AWS session token": "practice-session-token-not-valid-on-aws-IQoJb3JpZ2luX2VjEPr",
  };

  const all = files(data);
  const logs = all.filter((f) => f.includes(`${"/"}logs${"/"}`));
  const store = all.find((f) => f.endsWith("slipway.sqlite3"));
  assert.ok(store, `the store is in ${data}: ${all.join(", ")}`);
  assert.ok(logs.length > 0, `the app wrote logs: ${all.join(", ")}`);
  // The scan means something only if the app really logged in to ECR during the journeys.
  const journal = Buffer.concat(all.filter((f) => f.includes("sqlite")).map((f) => readFileSync(f)));
  assert.ok(journal.includes("GetAuthorizationToken"), "the journeys logged in to ECR through the app");

  const hits = [];
  let bytes = 0;
  for (const f of all) {
    const b = readFileSync(f);
    bytes += b.length;
    for (const [what, secret] of Object.entries(secrets)) {
      if (secret && b.includes(secret)) hits.push(`${what} in ${f}`);
    }
  }
  console.log(`secrets scan of the app's data: ${all.length} files, ${bytes} bytes, ${Object.keys(secrets).length} secrets, ${hits.length} hits`);
  assert.deepEqual(hits, []);
});

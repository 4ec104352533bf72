import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Keyring } from "../src/crypto/keyring.js";
import { openStore } from "../src/db/open.js";

/** Starts the real entry point and returns how it ended. */
function start(env: Record<string, string>) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "src/main.ts"], {
    env: { PATH: process.env.PATH, LOG_LEVEL: "silent", ...env },
    encoding: "utf8",
    input: "",
    timeout: 120_000,
  });
  return { code: result.status, stderr: result.stderr };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "notice-desk-startup-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("refusals to start", () => {
  it("each says what to do, with its own exit code and no stack trace", () => {
    const database = join(dir, "desk.sqlite");
    const key = randomBytes(32);
    openStore(database, new Keyring(key)).close();

    const config = start({ DATABASE_PATH: database, FLOOD_LIMIT: "lots" });
    expect(config.code).toBe(78);
    expect(config.stderr).toContain("FLOOD_LIMIT");
    expect(config.stderr).toContain(".env.example");

    const wrongKey = start({ DATABASE_PATH: database, MASTER_KEY: randomBytes(32).toString("base64") });
    expect(wrongKey.code).toBe(77);
    expect(wrongKey.stderr).toContain("does not match this database");

    const sqlite = openStore(database, new Keyring(key)).sqlite;
    sqlite.prepare("INSERT INTO meta (key, value) VALUES ('key_check_next', ?)").run(new Keyring(randomBytes(32)).checkValue());
    sqlite.close();
    const pending = start({ DATABASE_PATH: database, MASTER_KEY: key.toString("base64") });
    expect(pending.code).toBe(75);
    expect(pending.stderr).toContain("npm run keys:rotate");

    for (const refusal of [config, wrongKey, pending]) expect(refusal.stderr).not.toMatch(/\n\s+at /);
  });
});

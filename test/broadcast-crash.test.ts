import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { execFileSync } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exited, seedBroadcast, spawnBot, tally } from "./helpers/broadcast-harness.js";
import { FakeTelegram } from "./helpers/fake-telegram.js";

let dir: string;
let fake: FakeTelegram;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "notice-desk-crash-"));
  fake = await new FakeTelegram().start();
});
afterEach(async () => {
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("a broadcast across a real process kill", () => {
  it("reaches every recipient, twice at most for sends in flight at the kill", async () => {
    const seeded = await seedBroadcast(dir, 300);
    const env = { BROADCAST_TELEGRAM_PER_SECOND: "150", BROADCAST_SLOTS: "4" };
    const first = spawnBot(seeded, fake, env);
    await fake.until(() => fake.sent.length >= 120, 60_000);
    first.kill("SIGKILL");
    await exited(first);
    const atKill = fake.sent.length;
    expect(atKill).toBeLessThan(300);

    const second = spawnBot(seeded, fake, env);
    try {
      await fake.until(() => tally(fake, seeded.chatIds).missed === 0, 60_000);
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      second.kill("SIGTERM");
      await exited(second);
    }
    const { missed, duplicates } = tally(fake, seeded.chatIds);
    const db = new Database(seeded.databasePath, { readonly: true });
    const job = db.prepare("SELECT status, ambiguous FROM broadcasts WHERE id = 1").get() as { status: string; ambiguous: number };
    db.close();
    expect(missed).toBe(0);
    expect(duplicates).toBeLessThanOrEqual(job.ambiguous);
    expect(job.ambiguous).toBeLessThanOrEqual(4);
    expect(job.status).toBe("done");
  });
});

describe("npm run broadcast:status", () => {
  it("prints the running jobs from the shell, without the key", async () => {
    const seeded = await seedBroadcast(dir, 30);
    const out = execFileSync("npm", ["run", "--silent", "broadcast:status"], {
      encoding: "utf8",
      env: { ...process.env, DATABASE_PATH: seeded.databasePath, MASTER_KEY: "", MASTER_KEY_FILE: "" },
    });
    expect(out).toMatch(/^#1 by seed: 0\/30 sent, 0 failed, 30 left, 0\.0\/s, about — left, 0 ambiguous$/m);
  });
});

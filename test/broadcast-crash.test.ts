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

/** The job's state as the bot left it in the database. */
function job(path: string): { status: string; ambiguous: number } {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare("SELECT status, ambiguous FROM broadcasts WHERE id = 1").get() as { status: string; ambiguous: number };
  } finally {
    db.close();
  }
}

describe("a batched broadcast killed while batches are in flight", () => {
  it("misses nobody, and sends twice only deliveries it counts as ambiguous, at most the slots", async () => {
    const slots = 6;
    const seeded = await seedBroadcast(dir, 400);
    // At 1,000/s each write claims every free slot, so the kill finds a batch claimed, in flight and answered but unwritten.
    const env = { BROADCAST_TELEGRAM_PER_SECOND: "1000", BROADCAST_SLOTS: String(slots) };
    const first = spawnBot(seeded, fake, env);
    // Killed as the 200th message arrives, before it is answered; messages arriving after that are not answered either.
    fake.onSendMessage = (count) => {
      if (count === 200) first.kill("SIGKILL");
      return count >= 200;
    };
    await exited(first);
    fake.onSendMessage = undefined;
    expect(fake.sent.length).toBeLessThan(400);

    const second = spawnBot(seeded, fake, env);
    try {
      await fake.until(() => tally(fake, seeded.chatIds).missed === 0, 120_000);
      await fake.until(() => job(seeded.databasePath).status === "done", 120_000);
    } finally {
      second.kill("SIGTERM");
      await exited(second);
    }
    const { missed, duplicates } = tally(fake, seeded.chatIds);
    const { ambiguous } = job(seeded.databasePath);
    expect(missed).toBe(0);
    // The message the kill interrupted arrived and was still "sending": it is ambiguous and went twice.
    expect(duplicates).toBeGreaterThanOrEqual(1);
    expect(duplicates).toBeLessThanOrEqual(ambiguous);
    expect(ambiguous).toBeLessThanOrEqual(slots);
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

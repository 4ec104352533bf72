import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Keyring } from "../src/crypto/keyring.js";
import { openStore } from "../src/db/open.js";
import { SeenUpdates } from "../src/transports/telegram-updates.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "notice-desk-updates-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("update dedup, committed a batch at a time", () => {
  it("takes an update up once: a copy in the same batch, a later one, and one after a restart are dropped", async () => {
    const path = join(dir, "db.sqlite");
    const key = randomBytes(32);
    const store = openStore(path, new Keyring(key));
    const seen = new SeenUpdates(store.db);
    // One batch, as a fetch delivers it: each answer waits for the commit.
    expect(await Promise.all([seen.first(1), seen.first(2), seen.first(1), seen.first(3)])).toEqual([true, true, false, true]);
    expect(await seen.first(2)).toBe(false);
    // Recorded before anything was handled: a process that died here drops them when Telegram sends them again.
    store.close();
    const reopened = openStore(path, new Keyring(key));
    const after = new SeenUpdates(reopened.db);
    expect(await Promise.all([after.first(3), after.first(4)])).toEqual([false, true]);
    reopened.close();
  });
});

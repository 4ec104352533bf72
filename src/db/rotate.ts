import type Database from "better-sqlite3";
import { SealError, type Keyring } from "../crypto/keyring.js";

export interface RotationReport {
  rewrapped: number;
  alreadyDone: number;
}

export class RotationError extends Error {
  override name = "RotationError";
}

/**
 * Re-wraps every data key, and the blind-index key, from `current` to `next`.
 * The data itself is not touched. Each key is re-wrapped in its own small
 * transaction and recognised as done by opening under `next`, so the
 * rotation can be stopped at any point and run again with the same keys.
 * While it is under way, start-up refuses to run.
 */
export function rotateKeys(
  sqlite: Database.Database,
  current: Keyring,
  next: Keyring,
  onKey: (done: number) => void = () => undefined,
): RotationReport {
  const meta = (key: string) => (sqlite.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: Buffer } | undefined)?.value;
  const setMeta = (key: string, value: Buffer) => sqlite.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(key, value);

  const check = meta("key_check");
  const pending = meta("key_check_next");
  if (!check) throw new RotationError("this database has no key check value; start the bot once first");
  if (pending && !next.matches(pending)) throw new RotationError("another rotation, to a different new key, is under way; finish that one first");
  if (!pending && next.matches(check)) return { rewrapped: 0, alreadyDone: 0 };
  if (!current.matches(check)) throw new RotationError("the current key does not match this database");
  if (!pending) setMeta("key_check_next", next.checkValue());

  const report: RotationReport = { rewrapped: 0, alreadyDone: 0 };
  for (const table of ["contacts", "staff"]) {
    const rows = sqlite.prepare(`SELECT id, wrapped_key FROM ${table}`).all() as { id: string; wrapped_key: Buffer }[];
    const update = sqlite.prepare(`UPDATE ${table} SET wrapped_key = ? WHERE id = ?`);
    for (const row of rows) {
      try {
        next.unwrapDataKey(row.wrapped_key, row.id);
        report.alreadyDone++;
        continue;
      } catch (error) {
        if (!(error instanceof SealError)) throw error;
      }
      const key = current.unwrapDataKey(row.wrapped_key, row.id);
      update.run(next.wrapDataKey(key, row.id), row.id);
      key.fill(0);
      report.rewrapped++;
      onKey(report.rewrapped);
    }
  }

  const index = meta("index_key");
  if (index) {
    try {
      next.loadIndexKey(index);
    } catch (error) {
      if (!(error instanceof SealError)) throw error;
      setMeta("index_key", current.rewrapIndexKey(index, next));
    }
  }
  sqlite.transaction(() => {
    setMeta("key_check", next.checkValue());
    sqlite.prepare("DELETE FROM meta WHERE key = 'key_check_next'").run();
  })();
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  return report;
}

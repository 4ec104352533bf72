import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { eq } from "drizzle-orm";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { StartupError } from "../config/startup-error.js";
import { RowIntegrity } from "../crypto/integrity.js";
import type { Keyring } from "../crypto/keyring.js";
import { ROOT } from "../paths.js";
import * as schema from "./schema.js";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

export interface Store {
  db: Db;
  sqlite: Database.Database;
  /**
   * Folds the write-ahead log back into the file and empties it, so deleted
   * data leaves no copy there. False when a reader kept it from finishing.
   */
  checkpoint(): boolean;
  close(): void;
}

export const MIGRATIONS_DIR = join(ROOT, "drizzle");

export class WrongKeyError extends StartupError {
  override name = "WrongKeyError";
  constructor() {
    super("The root key does not match this database. Start-up stopped; nothing was changed. " +
      "Give the MASTER_KEY or MASTER_KEY_FILE this database was created with.", 77);
  }
}

export class RotationPendingError extends StartupError {
  override name = "RotationPendingError";
  constructor() {
    super("A root key rotation was started and not finished. Run `npm run keys:rotate` again with the same keys; nothing was changed.", 75);
  }
}

/** Reads a meta value through a read-only handle; undefined if the database or the row is missing. */
export function readMeta(path: string, key: string): Buffer | undefined {
  if (path === ":memory:" || !existsSync(path)) return undefined;
  const ro = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const hasMeta = ro.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
    if (!hasMeta) return undefined;
    return (ro.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: Buffer } | undefined)?.value;
  } finally {
    ro.close();
  }
}

/** Compares the key with the database's check value through a read-only handle, so a wrong key writes nothing. */
function assertKeyMatches(path: string, keyring: Keyring): void {
  if (path === ":memory:" || !existsSync(path)) return;
  if (readMeta(path, "key_check_next")) throw new RotationPendingError();
  const check = readMeta(path, "key_check");
  if (check ? !keyring.matches(check) : readMeta(path, "index_key") !== undefined) throw new WrongKeyError();
}

/**
 * Opens a database file with the settings every handle uses. The folder is
 * the owner's alone and so are the files, whatever the umask: sealed or not,
 * they say who uses the desk, and when.
 */
export function connect(path: string): Database.Database {
  if (path !== ":memory:") {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    chmodSync(dirname(path), 0o700);
    // Created empty and private before SQLite opens it; SQLite then keeps the mode for the WAL and its index.
    if (!existsSync(path)) closeSync(openSync(path, "a", 0o600));
    chmodSync(path, 0o600);
  }
  const sqlite = new Database(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("secure_delete = ON");
  sqlite.pragma("busy_timeout = 5000");
  // With WAL, NORMAL survives a killed process; only a power cut can lose the last commits.
  sqlite.pragma("synchronous = NORMAL");
  // Half a megabyte of pages rather than SQLite's default two: the operating
  // system caches the file anyway, and a burst of a thousand people filled the
  // larger cache, which then stayed in the C heap (about 4 MB more resident).
  sqlite.pragma("cache_size = -512");
  return sqlite;
}

/**
 * Gives rows written before integrity checksums existed their checksum. This
 * happens only in the start-up that adds the columns: were it triggered by a
 * mark in the database, deleting the mark would bless rows edited by hand.
 */
function stamp(db: Db, keyring: Keyring): void {
  const integrity = new RowIntegrity(keyring);
  db.transaction((tx) => {
    for (const row of tx.select().from(schema.staff).all()) {
      tx.update(schema.staff).set({ integrity: integrity.staff(row) }).where(eq(schema.staff.id, row.id)).run();
    }
    for (const row of tx.select().from(schema.cases).all()) {
      tx.update(schema.cases).set({ integrity: integrity.case(row) }).where(eq(schema.cases.id, row.id)).run();
    }
    for (const row of tx.select().from(schema.invites).all()) {
      tx.update(schema.invites).set({ integrity: integrity.invite(row) }).where(eq(schema.invites.codeHash, row.codeHash)).run();
    }
  });
}

const hasColumn = (sqlite: Database.Database, table: string, column: string) =>
  (sqlite.pragma(`table_info(${table})`) as { name: string }[]).some((c) => c.name === column);

/**
 * Opens (creating if needed) the database, checks the root key, applies
 * pending migrations, and loads (or on first use creates) the blind-index key.
 */
export function openStore(path: string, keyring: Keyring): Store {
  assertKeyMatches(path, keyring);
  const sqlite = connect(path);
  const db = drizzle(sqlite, { schema });
  const upgrading = hasColumn(sqlite, "cases", "id") && !hasColumn(sqlite, "cases", "integrity");
  migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  db.transaction((tx) => {
    tx.insert(schema.meta).values({ key: "key_check", value: keyring.checkValue() }).onConflictDoNothing().run();
    const stored = tx.select().from(schema.meta).all().find((row) => row.key === "index_key");
    if (stored) keyring.loadIndexKey(stored.value);
    else tx.insert(schema.meta).values({ key: "index_key", value: keyring.createIndexKey() }).run();
  });
  if (upgrading) stamp(db, keyring);
  return {
    db,
    sqlite,
    checkpoint: () => {
      const [result] = sqlite.pragma("wal_checkpoint(TRUNCATE)") as { busy: number; log: number; checkpointed: number }[];
      return result !== undefined && result.busy === 0 && result.checkpointed === result.log;
    },
    close: () => sqlite.close(),
  };
}

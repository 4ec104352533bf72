import { existsSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import type { Keyring } from "../crypto/keyring.js";
import * as schema from "./schema.js";

export type Db = BetterSQLite3Database<typeof schema>;

export interface Store {
  db: Db;
  sqlite: Database.Database;
  close(): void;
}

export const MIGRATIONS_DIR = fileURLToPath(new URL("../../drizzle", import.meta.url));

export class WrongKeyError extends Error {
  override name = "WrongKeyError";
  constructor() {
    super("The root key does not match this database. Start-up stopped; nothing was changed. " +
      "Give the MASTER_KEY or MASTER_KEY_FILE this database was created with.");
  }
}

/** Compares the key with the database's check value through a read-only handle, so a wrong key writes nothing. */
function assertKeyMatches(path: string, keyring: Keyring): void {
  if (path === ":memory:" || !existsSync(path)) return;
  const ro = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const hasMeta = ro.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
    const row = hasMeta
      ? (ro.prepare("SELECT value FROM meta WHERE key = 'key_check'").get() as { value: Buffer } | undefined)
      : undefined;
    const hasData = ro.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'contacts'").get();
    if (row ? !keyring.matches(row.value) : Boolean(hasData)) throw new WrongKeyError();
  } finally {
    ro.close();
  }
}

/**
 * Opens (creating if needed) the database, checks the root key, applies
 * pending migrations and records the key's check value on first use.
 */
export function openStore(path: string, keyring: Keyring): Store {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  assertKeyMatches(path, keyring);
  const sqlite = new Database(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("secure_delete = ON");
  sqlite.pragma("busy_timeout = 5000");
  const db = drizzle(sqlite, { schema });
  migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  db.insert(schema.meta).values({ key: "key_check", value: keyring.checkValue() }).onConflictDoNothing().run();
  return { db, sqlite, close: () => sqlite.close() };
}

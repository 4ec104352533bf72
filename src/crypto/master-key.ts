import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { randomBytes } from "node:crypto";
import type { Config } from "../config/env.js";
import { StartupError } from "../config/startup-error.js";
import type { Logger } from "../log/logger.js";

export class MasterKeyError extends StartupError {
  override name = "MasterKeyError";
}

function decode(text: string, source: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, "base64");
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || key.length !== 32) {
    throw new MasterKeyError(`${source} must hold 32 random bytes in base64 (e.g. from: openssl rand -base64 32)`);
  }
  return key;
}

/** Where the generated development key lives: beside the database it protects. */
export function devKeyPath(databasePath: string): string {
  return join(dirname(databasePath), "dev-master.key");
}

/**
 * Returns the root key from `MASTER_KEY` or `MASTER_KEY_FILE`. With neither,
 * the console chat uses (or creates, readable by the owner only) a development
 * key file next to the database, and warns: such a key sits beside the data it
 * protects. With a messenger configured, that is refused: whoever copies the
 * data folder would read everything.
 */
export function loadMasterKey(
  config: Pick<Config, "MASTER_KEY" | "MASTER_KEY_FILE" | "DATABASE_PATH" | "TELEGRAM_BOT_TOKEN" | "SIGNAL_API_URL">,
  log: Logger,
): Buffer {
  if (config.MASTER_KEY !== undefined) {
    // Not an error (containers and tests use it), but the environment a process started with stays readable.
    if (config.TELEGRAM_BOT_TOKEN !== undefined || config.SIGNAL_API_URL !== undefined) {
      log.warn("the root key came from MASTER_KEY: it stays readable in /proc/<pid>/environ; prefer MASTER_KEY_FILE");
    }
    return decode(config.MASTER_KEY, "MASTER_KEY");
  }
  if (config.MASTER_KEY_FILE !== undefined) {
    let text: string;
    try {
      text = readFileSync(config.MASTER_KEY_FILE, "utf8");
    } catch {
      throw new MasterKeyError("MASTER_KEY_FILE cannot be read");
    }
    return decode(text, "MASTER_KEY_FILE");
  }
  if (config.TELEGRAM_BOT_TOKEN !== undefined || config.SIGNAL_API_URL !== undefined) {
    throw new MasterKeyError(
      "A messenger is configured but no root key was given. Set MASTER_KEY_FILE (a file holding " +
        "32 random bytes in base64: openssl rand -base64 32 > root.key; chmod 600 root.key) or MASTER_KEY. " +
        "The generated development key is for the console chat only.",
    );
  }
  const path = devKeyPath(config.DATABASE_PATH);
  if (existsSync(path)) {
    log.warn("using the development key file beside the database; set MASTER_KEY_FILE for real use");
    return decode(readFileSync(path, "utf8"), "the development key file");
  }
  if (existsSync(config.DATABASE_PATH)) {
    throw new MasterKeyError("The database exists but no root key was given (MASTER_KEY or MASTER_KEY_FILE). Start-up stopped; nothing was changed.");
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(path, key.toString("base64") + "\n", { mode: 0o600, flag: "wx" });
  chmodSync(path, 0o600);
  const banner = "NO MASTER KEY GIVEN: generated a development key file beside the database. " +
    "Anyone who copies the data folder can read it. Set MASTER_KEY_FILE before real use.";
  log.warn(banner);
  process.stderr.write(`\n*** ${banner} ***\n\n`);
  return key;
}

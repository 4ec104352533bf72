/**
 * Re-wraps every person's data key under a new root key:
 *   MASTER_KEY_FILE=old.key NEW_MASTER_KEY_FILE=new.key npm run keys:rotate
 * Safe to interrupt and run again with the same two keys. With `-- --full`,
 * replaces the blind-index key and every data key too, sealing everything
 * again (one transaction). Afterwards start the bot with the new key.
 */
import { existsSync } from "node:fs";
import { loadConfig } from "../config/env.js";
import { Keyring } from "../crypto/keyring.js";
import { loadMasterKey } from "../crypto/master-key.js";
import { inUseBy } from "../db/in-use.js";
import { connect } from "../db/open.js";
import { rekeyAll } from "../db/rekey.js";
import { rotateKeys } from "../db/rotate.js";
import { createLogger } from "../log/logger.js";

const config = loadConfig();
const log = createLogger(config.LOG_LEVEL, undefined);
const newKeySource = process.env.NEW_MASTER_KEY_FILE
  ? { MASTER_KEY_FILE: process.env.NEW_MASTER_KEY_FILE }
  : { MASTER_KEY: process.env.NEW_MASTER_KEY };
if (!newKeySource.MASTER_KEY && !newKeySource.MASTER_KEY_FILE) {
  process.stderr.write("Set NEW_MASTER_KEY_FILE (or NEW_MASTER_KEY) to the new root key.\n");
  process.exit(2);
}
if (!existsSync(config.DATABASE_PATH)) {
  process.stderr.write("DATABASE_PATH does not exist; there is nothing to rotate.\n");
  process.exit(2);
}
const running = inUseBy(config.DATABASE_PATH);
if (running !== undefined) {
  process.stderr.write(`The bot is running on this database (process ${running}). Stop it first, then rotate, then start it with the new key.\n`);
  process.exit(2);
}
const keys = [loadMasterKey(config, log), loadMasterKey({ ...newKeySource, DATABASE_PATH: config.DATABASE_PATH }, log)] as const;
const current = new Keyring(keys[0]);
const next = new Keyring(keys[1]);
for (const key of keys) key.fill(0);
const sqlite = connect(config.DATABASE_PATH);
try {
  if (process.argv.includes("--full")) {
    const report = rekeyAll(sqlite, current, next);
    process.stdout.write(`Full re-key complete: ${report.people} people and ${report.staff} staff with new keys, ${report.values} values sealed again, ` +
      `${report.invitesDropped} pending invites dropped (issue new ones). Start the bot with the new key.\n`);
  } else {
    const report = rotateKeys(sqlite, current, next);
    process.stdout.write(`Rotation complete: ${report.rewrapped} keys re-wrapped, ${report.alreadyDone} already done. Start the bot with the new key.\n`);
  }
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  sqlite.close();
}

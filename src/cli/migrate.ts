/** Applies pending migrations (start-up does the same): npm run db:migrate */
import { loadConfig } from "../config/env.js";
import { Keyring } from "../crypto/keyring.js";
import { loadMasterKey } from "../crypto/master-key.js";
import { openStore } from "../db/open.js";
import { createLogger } from "../log/logger.js";

const config = loadConfig();
const log = createLogger(config.LOG_LEVEL, undefined);
try {
  openStore(config.DATABASE_PATH, new Keyring(loadMasterKey(config, log))).close();
  process.stdout.write("Database is up to date.\n");
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
}

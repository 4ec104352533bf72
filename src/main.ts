import { ConfigError, loadConfig } from "./config/env.js";
import { MasterKeyError } from "./crypto/master-key.js";
import { WrongKeyError } from "./db/open.js";
import pino from "pino";
import { createLogger } from "./log/logger.js";
import { createRuntime } from "./runtime.js";
import { runConsole } from "./transports/console.js";
import { runTelegram } from "./transports/telegram.js";

/** Starts whichever messengers are configured, or the console chat when none is. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee .env.example for every variable.\n`);
      process.exit(78);
    }
    throw error;
  }
  // The console chat owns stdout; logs go to stderr there.
  const log = createLogger(config.LOG_LEVEL, config.TELEGRAM_BOT_TOKEN ? undefined : pino.destination(2));
  let runtime;
  try {
    runtime = await createRuntime(config, log);
  } catch (error) {
    if (error instanceof WrongKeyError || error instanceof MasterKeyError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }

  if (!config.TELEGRAM_BOT_TOKEN) {
    log.info("no messenger configured: starting the console chat");
    await runConsole(runtime.deps);
    runtime.close();
    return;
  }

  const telegram = await runTelegram(runtime.deps);
  const shutdown = async () => {
    await telegram.stop();
    runtime.close();
    process.exit(0);
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

await main();

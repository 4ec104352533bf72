import pino from "pino";
import { loadConfig } from "./config/env.js";
import { StartupError } from "./config/startup-error.js";
import { startBroadcasting } from "./bot/broadcast-sender.js";
import { startReminders } from "./bot/reminder-sender.js";
import { createLogger } from "./log/logger.js";
import { createRuntime } from "./runtime.js";

/** Starts whichever messengers are configured, or the console chat when none is. */
async function main(): Promise<void> {
  const config = loadConfig();
  // The console chat owns stdout; logs go to stderr there.
  const consoleChat = !config.TELEGRAM_BOT_TOKEN && !config.SIGNAL_API_URL;
  const log = createLogger(config.LOG_LEVEL, consoleChat ? pino.destination(2) : undefined);
  const runtime = await createRuntime(config, log);

  if (!config.TELEGRAM_BOT_TOKEN && !config.SIGNAL_API_URL) {
    log.info("no messenger configured: starting the console chat");
    const { runConsole } = await import("./transports/console.js");
    // The console's route exists once runConsole has been called: broadcasts and reminders can use it.
    const chat = runConsole(runtime.deps);
    startBroadcasting(runtime.deps);
    startReminders(runtime.deps);
    await chat;
    await runtime.close();
    return;
  }

  // Only the configured transports are loaded: a restart reaches its first send sooner.
  const stops: (() => Promise<void>)[] = [];
  if (config.TELEGRAM_BOT_TOKEN) {
    const { runTelegram } = await import("./transports/telegram.js");
    const telegram = await runTelegram(runtime);
    stops.push(() => telegram.stop());
  }
  if (config.SIGNAL_API_URL) {
    const { runSignal } = await import("./transports/signal/run.js");
    const signal = await runSignal(runtime);
    stops.push(() => signal.stop());
  }
  startBroadcasting(runtime.deps);
  startReminders(runtime.deps);
  const shutdown = async () => {
    await Promise.all(stops.map((stop) => stop()));
    await runtime.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown());
  process.once("SIGTERM", () => void shutdown());
}

try {
  await main();
} catch (error) {
  // Every refusal to start says what to do, without a stack trace; anything else is a bug and keeps its trace.
  if (!(error instanceof StartupError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(error.exitCode);
}

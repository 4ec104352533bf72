import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { autoRetry } from "@grammyjs/auto-retry";
import { run, type RunnerHandle } from "@grammyjs/runner";
import { Api, webhookCallback, type Bot } from "grammy";
import { createBot, UPDATES_IN_FLIGHT } from "../bot/app.js";
import type { BotContext } from "../bot/context.js";
import { numericChats } from "../bot/route.js";
import type { Runtime } from "../runtime.js";
import { pooledFetch } from "./pooled-fetch.js";
import { SeenUpdates } from "./telegram-updates.js";

/** The update kinds the bot handles; nothing else is asked for. */
export const ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"] as const;

export interface TelegramHandle {
  bot: Bot<BotContext>;
  /** The webhook server's port, when running on a webhook. */
  port?: number;
  stop(): Promise<void>;
}

export function createTelegramBot(runtime: Runtime): Bot<BotContext> {
  const { deps } = runtime;
  const { TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT } = deps.config;
  if (!TELEGRAM_BOT_TOKEN) throw new Error("TELEGRAM_BOT_TOKEN is not set");
  const seen = new SeenUpdates(runtime.store.db, deps.now);
  const bot = createBot(deps, {
    messenger: "telegram",
    token: TELEGRAM_BOT_TOKEN,
    // Replies go through the same lean fetch as broadcasts: a connection for each update in flight, and one for the long poll.
    client: { apiRoot: TELEGRAM_API_ROOT, fetch: pooledFetch(UPDATES_IN_FLIGHT + 1) },
    isNew: (update) => seen.first(update.update_id),
    route: {
      ...numericChats,
      canCopy: true,
      maxText: 4096,
      // Bulk sending paces and retries itself: no autoRetry on this one.
      bulkApi: new Api(TELEGRAM_BOT_TOKEN, { apiRoot: TELEGRAM_API_ROOT, fetch: pooledFetch(deps.config.BROADCAST_SLOTS + 2) }),
      // Bots may fetch files up to 20 MB: getFile, then the file endpoint, into memory.
      download: async (file) => {
        const info = await bot.api.getFile(file.fileId);
        if (!info.file_path) throw new Error("file is not downloadable");
        const response = await fetch(`${TELEGRAM_API_ROOT}/file/bot${TELEGRAM_BOT_TOKEN}/${info.file_path}`);
        if (!response.ok) throw new Error(`file download failed with ${response.status}`);
        return { bytes: new Uint8Array(await response.arrayBuffer()), name: file.name, mime: file.mime };
      },
    },
  });
  // Waits out 429s and retries 5xx/network errors instead of dropping replies.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 120, rethrowInternalServerErrors: false }));
  return bot;
}

/**
 * Runs the bot on Telegram: long polling through grammY's runner by default,
 * or a webhook server when WEBHOOK_URL is set (Telegram then proves each call
 * with the secret token).
 */
export async function runTelegram(runtime: Runtime): Promise<TelegramHandle> {
  const { deps } = runtime;
  const bot = createTelegramBot(runtime);
  await bot.init();
  const { WEBHOOK_URL, WEBHOOK_SECRET, WEBHOOK_HOST, WEBHOOK_PORT } = deps.config;

  if (WEBHOOK_URL) {
    // A slow update (waiting out a 429) is answered 200 after 10 s and goes on being
    // handled: an error or timeout reply would make Telegram send it again.
    const handler = webhookCallback(bot, "http", { secretToken: WEBHOOK_SECRET, onTimeout: "return" });
    const path = new URL(WEBHOOK_URL).pathname;
    const server: Server = createServer((req, res) => {
      if (req.method !== "POST" || req.url !== path) {
        res.writeHead(404).end();
        return;
      }
      handler(req, res).catch((err: unknown) => {
        deps.log.error({ err }, "webhook update failed");
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(WEBHOOK_PORT, WEBHOOK_HOST, resolve));
    await bot.api.setWebhook(WEBHOOK_URL, { secret_token: WEBHOOK_SECRET, allowed_updates: [...ALLOWED_UPDATES] });
    deps.log.info({ mode: "webhook" }, "telegram transport started");
    const { port } = server.address() as AddressInfo;
    return { bot, port, stop: () => new Promise((resolve) => server.close(() => resolve())) };
  }

  await bot.api.deleteWebhook();
  const runner: RunnerHandle = run(bot, {
    runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } },
    sink: { concurrency: UPDATES_IN_FLIGHT },
  });
  deps.log.info({ mode: "polling" }, "telegram transport started");
  return { bot, stop: () => (runner.isRunning() ? runner.stop() : Promise.resolve()) };
}

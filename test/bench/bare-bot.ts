/**
 * The yardstick of the FAQ benchmark: a bare grammY bot, long polling through
 * grammY's runner like the desk, with memory sessions and no matcher, sending
 * the reply the desk sent to the same question (read from REPLIES_FILE).
 */
import { readFileSync } from "node:fs";
import { run, sequentialize } from "@grammyjs/runner";
import { Bot, MemorySessionStorage, session, type Context, type SessionFlavor } from "grammy";

interface Reply { text: string; reply_markup?: { inline_keyboard: { text: string; callback_data: string }[][] } }

const replies = new Map(Object.entries(JSON.parse(readFileSync(process.env.REPLIES_FILE!, "utf8")) as Record<string, Reply>));
const fallback: Reply = { text: "Thank you. Please choose a country." };

type Bare = Context & SessionFlavor<{ n: number }>;
const bot = new Bot<Bare>(process.env.TELEGRAM_BOT_TOKEN!, { client: { apiRoot: process.env.TELEGRAM_API_ROOT! } });
bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
bot.use(session({ initial: () => ({ n: 0 }), storage: new MemorySessionStorage() }));
bot.on("message:text", (ctx) => {
  ctx.session.n++;
  const reply = replies.get(ctx.message.text) ?? fallback;
  return ctx.reply(reply.text, { ...(reply.reply_markup ? { reply_markup: reply.reply_markup } : {}), link_preview_options: { is_disabled: true } });
});
bot.on("callback_query:data", async (ctx) => {
  ctx.session.n++;
  await ctx.answerCallbackQuery();
  await ctx.reply(fallback.text);
});
await bot.init();
run(bot, { runner: { fetch: { allowed_updates: ["message", "edited_message", "callback_query", "my_chat_member"] } } });

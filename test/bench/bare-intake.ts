/**
 * The yardstick of the intake benchmark: a bare grammY bot with the
 * conversations plugin and nothing else (state in memory, no database, no
 * sealing, no other middleware), running a conversation shaped like the
 * desk's intake: each answer is acknowledged, saved and followed by the next
 * question in one step outside the replay, and then skipped. It is what a
 * step costs the stack itself.
 */
import { conversations, createConversation, type Conversation, type ConversationFlavor } from "@grammyjs/conversations";
import { Bot, InlineKeyboard, type Context } from "grammy";
import type { Update, UserFromGetMe } from "grammy/types";

const me: UserFromGetMe = {
  id: 1, is_bot: true, first_name: "bench", username: "bench_bot", can_join_groups: false, can_read_all_group_messages: false,
  supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false, has_topics_enabled: false,
  allows_users_to_create_topics: false, can_manage_bots: false, supports_join_request_queries: false,
};

/** Answers like the Bot API, in memory: a sent message comes back as the message, anything else as `true`. */
function botApi(): typeof fetch {
  let messageId = 0;
  return ((input: string | URL, init?: RequestInit) => {
    const method = String(input).slice(String(input).lastIndexOf("/") + 1);
    const payload = JSON.parse(typeof init?.body === "string" ? init.body : "{}") as { chat_id: number; text: string; reply_markup?: unknown };
    const result = method === "sendMessage"
      ? { message_id: ++messageId, date: 0, chat: { id: payload.chat_id, type: "private", first_name: "" }, from: me, text: payload.text, reply_markup: payload.reply_markup }
      : true;
    return Promise.resolve({ ok: true, status: 200, json: () => Promise.resolve({ ok: true, result }) } as unknown as Response);
  }) as typeof fetch;
}

const QUESTIONS = ["country", "status", "notice", "charge", "year", "arrest", "language", "share"];
const keyboard = () => new InlineKeyboard().text("Poland", "intake:choose:PL").row().text("Lithuania", "intake:choose:LT").row()
  .text("Other country", "intake:other").row().text("Back", "intake:back").text("Cancel", "intake:cancel");

/** The steps of the desk's intake bench, as updates: the menu button, seven answers, the confirmation. */
const STEPS: ((id: number, update: number) => Update)[] = [
  (id, u) => press(id, u, "menu:intake"),
  (id, u) => press(id, u, "intake:choose:PL"),
  (id, u) => press(id, u, "intake:choose:refugee"),
  (id, u) => press(id, u, "intake:choose:red-notice"),
  (id, u) => text(id, u, "Art. 243, tax evasion"),
  (id, u) => text(id, u, "2021"),
  (id, u) => press(id, u, "intake:skip"),
  (id, u) => press(id, u, "intake:choose:ru"),
  (id, u) => press(id, u, "intake:choose:yes"),
  (id, u) => press(id, u, "intake:confirm"),
];
const chat = (id: number) => ({ id, type: "private" as const, first_name: "" });
const press = (id: number, u: number, data: string): Update => ({
  update_id: u,
  callback_query: { id: String(u), chat_instance: "1", data, from: { id, is_bot: false, first_name: "" }, message: { message_id: 1, date: 0, chat: chat(id), from: me, text: "…" } },
});
const text = (id: number, u: number, body: string): Update => ({
  update_id: u, message: { message_id: u, date: 0, chat: chat(id), from: { id, is_bot: false, first_name: "" }, text: body },
});

/** Like `benchIntake`: `warmup` people first, unmeasured, then `concurrent` people at once. */
export async function benchBareIntake(concurrent = 1000, warmup = 200): Promise<{ people: number; cpuMsPerStep: number }> {
  const drafts = new Map<number, Record<string, string>>();
  const bot = new Bot<ConversationFlavor<Context>>("1:bench", { botInfo: me, client: { fetch: botApi() } });
  bot.use(conversations());
  bot.use(createConversation(async (conversation: Conversation<ConversationFlavor<Context>, Context>, ctx: Context) => {
    const id = ctx.chat!.id;
    const ask = (outside: Context) => outside.reply(QUESTIONS[Object.keys(drafts.get(id) ?? {}).length] ?? "Summary", { reply_markup: keyboard() });
    await conversation.external(async (outside) => {
      await outside.reply("Intake: eight questions; your answers are kept for 7 days.");
      await ask(outside);
    });
    for (;;) {
      const answer = await conversation.wait();
      const value = answer.callbackQuery?.data ?? answer.message?.text ?? "";
      const done = await conversation.external(async (outside) => {
        if (outside.callbackQuery) await outside.answerCallbackQuery();
        if (value === "intake:confirm") {
          await outside.reply("Thank you. Your case reference is A-1.");
          return true;
        }
        const draft = { ...drafts.get(id) };
        draft[QUESTIONS[Object.keys(draft).length] ?? "extra"] = value;
        drafts.set(id, draft);
        await ask(outside);
        return false;
      });
      if (done) return;
      await conversation.skip({ next: false });
    }
  }, "intake"));
  bot.callbackQuery("menu:intake", async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.conversation.enter("intake");
  });
  let update = 0;
  const early = Array.from({ length: warmup }, (_, i) => 5_000 + i);
  for (const step of STEPS) await Promise.all(early.map((id) => bot.handleUpdate(step(id, ++update))));
  const people = Array.from({ length: concurrent }, (_, i) => 10_000 + i);
  const cpu = process.cpuUsage();
  for (const step of STEPS) await Promise.all(people.map((id) => bot.handleUpdate(step(id, ++update))));
  const used = process.cpuUsage(cpu);
  return { people: concurrent, cpuMsPerStep: (used.user + used.system) / 1000 / (STEPS.length * concurrent) };
}

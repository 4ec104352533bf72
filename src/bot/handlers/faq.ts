import { Composer, InlineKeyboard } from "grammy";
import type { TFunction } from "i18next";
import { FAQ_ENTRIES, FAQ_TOPICS, entriesOfTopic, faqEntry } from "../../faq/catalog.js";
import catalogFile from "../../faq/catalog.json" with { type: "json" };
import type { BotContext } from "../context.js";
import type { AppDeps } from "../deps.js";
import { afterAnswer, cb, didYouMean, distressKeyboard, mainMenu, noMatchKeyboard } from "../keyboards.js";

export const CHECKED: string = catalogFile.checked;

const answers = new WeakMap<TFunction, Map<string, string>>();

/** Question, answer, official links and the "not legal advice" line, in the person's language. */
export function answerText(t: TFunction, id: string): string {
  let known = answers.get(t);
  if (!known) answers.set(t, (known = new Map()));
  const cached = known.get(id);
  if (cached) return cached;
  const entry = faqEntry(id)!;
  const parts = [t(`entries.${id}.q`, { ns: "faq" }), t(`entries.${id}.a`, { ns: "faq" })];
  if (entry.links.length > 0) parts.push(`${t("faq.more")}\n${entry.links.join("\n")}`);
  parts.push(t("faq.checked", { date: CHECKED }));
  const text = parts.join("\n\n");
  known.set(id, text);
  return text;
}

export async function sendAnswer(ctx: BotContext, id: string, others: string[] = []): Promise<void> {
  await ctx.reply(answerText(ctx.t, id), { reply_markup: afterAnswer(ctx.t, others), link_preview_options: { is_disabled: true } });
}

export async function sendTopics(ctx: BotContext): Promise<void> {
  const kb = new InlineKeyboard();
  for (const topic of FAQ_TOPICS) kb.text(ctx.t(`topics.${topic}`, { ns: "faq" }), cb.topic(topic)).row();
  kb.text(ctx.t("menu.back"), cb.menu("main"));
  await ctx.reply(ctx.t("faq.choose_topic"), { reply_markup: kb });
}

function questionList(ctx: BotContext, ids: string[], back: string): InlineKeyboard {
  const kb = new InlineKeyboard();
  for (const id of ids) kb.text(ctx.t(`entries.${id}.q`, { ns: "faq" }), cb.entry(id)).row();
  return kb.text(ctx.t("menu.back"), back);
}

/** Replies to free text: the answer, "did you mean", small talk, or one plain line that no answer fits. */
export async function answerFreeText(ctx: BotContext, deps: AppDeps, text: string): Promise<void> {
  const u = deps.faq.understand(text);
  if (u.purpose === "faq" && u.sure) return await sendAnswer(ctx, u.id!, u.alternatives);
  if (u.purpose === "faq") {
    await ctx.reply(ctx.t("faq.did_you_mean"), { reply_markup: didYouMean(ctx.t, [u.id!, ...u.alternatives].slice(0, 3)) });
  } else if (u.purpose === "greeting") {
    await ctx.reply(ctx.t("smalltalk.greeting"), { reply_markup: mainMenu(ctx.t) });
  } else if (u.purpose === "thanks") {
    await ctx.reply(ctx.t("smalltalk.thanks"), { reply_markup: noMatchKeyboard(ctx.t) });
  } else if (u.purpose === "goodbye") {
    await ctx.reply(ctx.t("smalltalk.goodbye"));
  } else if (u.purpose === "distress") {
    await ctx.reply(ctx.t("smalltalk.distress"), { reply_markup: distressKeyboard(ctx.t) });
  } else {
    // "none", and "emergency" where the emergency handler stood aside (staff writing about a detention).
    await ctx.reply(ctx.t("faq.no_match"), { reply_markup: noMatchKeyboard(ctx.t) });
  }
}

export function faqHandlers(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.callbackQuery(/^faq:t:([a-z-]{1,40})$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    const topic = ctx.match[1]!;
    const entries = entriesOfTopic(topic);
    if (entries.length === 0) return await ctx.reply(ctx.t("errors.stale"));
    await ctx.reply(ctx.t("faq.choose_question", { topic: ctx.t(`topics.${topic}`, { ns: "faq" }) }), {
      reply_markup: questionList(ctx, entries.map((e) => e.id), cb.menu("faq")),
    });
  });
  composer.callbackQuery(/^faq:e:([a-z0-9-]{1,60})$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    const id = ctx.match[1]!;
    if (!faqEntry(id)) return await ctx.reply(ctx.t("errors.stale"));
    await sendAnswer(ctx, id);
  });
  composer.callbackQuery(/^faq:more:(\d{1,3}(?:\.\d{1,3}){0,4})$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    const ids = ctx.match[1]!.split(".").map((i) => FAQ_ENTRIES[Number(i)]?.id).filter((id): id is string => id !== undefined);
    if (ids.length === 0) return await ctx.reply(ctx.t("errors.stale"));
    await ctx.reply(ctx.t("faq.others_title"), { reply_markup: questionList(ctx, ids, cb.menu("main")) });
  });
  return composer;
}

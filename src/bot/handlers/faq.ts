import { Composer, InlineKeyboard } from "grammy";
import type { TFunction } from "i18next";
import { FAQ_ENTRIES, FAQ_TOPICS, entriesOfTopic, faqEntry } from "../../faq/catalog.js";
import catalogFile from "../../faq/catalog.json" with { type: "json" };
import type { BotContext } from "../context.js";
import type { AppDeps } from "../deps.js";
import { afterAnswer, cb, noMatchKeyboard } from "../keyboards.js";

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

/** Answers free text from the FAQ, or says plainly that it has no answer. */
export async function answerFreeText(ctx: BotContext, deps: AppDeps, text: string): Promise<void> {
  const words = text.split(/\s+/).filter(Boolean).length;
  if (words > deps.faq.maxWords) {
    await ctx.reply(ctx.t("faq.story"), { reply_markup: noMatchKeyboard(ctx.t) });
    return;
  }
  const result = deps.faq.match(text);
  if (!result.best) {
    await ctx.reply(ctx.t("faq.no_match"), { reply_markup: noMatchKeyboard(ctx.t) });
    return;
  }
  await sendAnswer(ctx, result.best.id, result.others.map((m) => m.id));
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

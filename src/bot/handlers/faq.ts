import { Composer, InlineKeyboard } from "grammy";
import { FlatComposer } from "../composer.js";
import type { TFunction } from "i18next";
import { FAQ_CHECKED, FAQ_TOPICS, entriesOfTopic, faqEntry } from "../../faq/catalog.js";
import type { BotContext } from "../context.js";
import type { AppDeps } from "../deps.js";
import { BoundedMap } from "../../cache/bounded-map.js";
import { words } from "../../faq/fold.js";
import type { Understanding } from "../../faq/understand.js";
import { afterAnswer, cb, didYouMean, distressKeyboard, emergencyKeyboard, mainMenu, noMatchKeyboard } from "../keyboards.js";

const DETAINED = "emergency-detained-now";

/** Answers after which preparing one's own CCF request is the natural next step. */
const LEADS_TO_KIT = (id: string) => faqEntry(id)?.topic === "ccf" || id === "how-to-check-if-listed";

const answers = new WeakMap<TFunction, Map<string, string>>();

/** Question, answer, official links and the "not legal advice" line, in the person's language. */
export function answerText(t: TFunction, id: string): string {
  let known = answers.get(t);
  if (!known) answers.set(t, (known = new Map<string, string>()));
  const cached = known.get(id);
  if (cached) return cached;
  const entry = faqEntry(id)!;
  const parts = [t(`entries.${id}.q`, { ns: "faq" }), t(`entries.${id}.a`, { ns: "faq" })];
  if (entry.links.length > 0) parts.push(`${t("faq.more")}\n${entry.links.join("\n")}`);
  parts.push(t(entry.disclaims ? "faq.checked_only" : "faq.checked", { date: FAQ_CHECKED }));
  const text = parts.join("\n\n");
  known.set(id, text);
  return text;
}

/**
 * An answer with its buttons. The detention answer carries the urgent button
 * (it says to tap it), and for someone not yet stored the line saying what
 * that button stores.
 */
function answerReply(ctx: BotContext, t: TFunction, id: string, others: string[]): { text: string; markup: InlineKeyboard } {
  if (id !== DETAINED) {
    const text = answerText(t, id);
    const markup = afterAnswer(t, others, ctx.numbered);
    return {
      text: ctx.numbered ? `${text}\n\n${t("faq.menu_hint")}` : text,
      markup: LEADS_TO_KIT(id) ? withRow(markup, t, cb.menu("kit"), () => t("menu.kit")) : markup,
    };
  }
  if (!ctx.contact) ctx.session.emergencyNoticeShown = true;
  const text = ctx.contact ? answerText(t, id) : `${answerText(t, id)}\n\n${t("emergency.consent_line")}`;
  return { text, markup: emergencyKeyboard(t, others) };
}

export async function sendAnswer(ctx: BotContext, id: string, others: string[] = []): Promise<void> {
  const { text, markup } = answerReply(ctx, ctx.t, id, others);
  await ctx.reply(text, { reply_markup: markup, link_preview_options: { is_disabled: true } });
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

/** What to say to free text the matcher understood, in the language of `t`. */
function replyTo(ctx: BotContext, t: TFunction, u: Understanding): { text: string; markup?: InlineKeyboard } {
  if (u.purpose === "faq" && u.sure) return answerReply(ctx, t, u.id!, u.alternatives);
  if (u.purpose === "faq") return { text: t("faq.did_you_mean"), markup: didYouMean(t, [u.id!, ...u.alternatives].slice(0, 3)) };
  if (u.purpose === "greeting") return { text: t("smalltalk.greeting"), markup: mainMenu(t) };
  if (u.purpose === "thanks") return { text: t("smalltalk.thanks"), markup: noMatchKeyboard(t) };
  if (u.purpose === "goodbye") return { text: t("smalltalk.goodbye") };
  if (u.purpose === "distress") return { text: t("smalltalk.distress"), markup: distressKeyboard(t) };
  // "none", and "emergency" where the emergency handler stood aside (staff writing about a detention).
  return { text: t("faq.no_match"), markup: noMatchKeyboard(t) };
}

const extended = new WeakMap<InlineKeyboard, WeakMap<TFunction, Map<string, InlineKeyboard>>>();
const NO_BUTTONS = new InlineKeyboard();

/**
 * `markup` with one more button on a row of its own, built once per keyboard,
 * language and `key` (keyboards are shared; translating its label costs more
 * than the rest of the reply).
 */
function withRow(markup: InlineKeyboard | undefined, t: TFunction, key: string, label: () => string, data = key): InlineKeyboard {
  const base = markup ?? NO_BUTTONS;
  let byLanguage = extended.get(base);
  if (!byLanguage) extended.set(base, (byLanguage = new WeakMap()));
  let known = byLanguage.get(t);
  if (!known) byLanguage.set(t, (known = new BoundedMap(100)));
  let kb = known.get(key);
  if (!kb) known.set(key, (kb = base.clone().row().text(label(), data)));
  return kb;
}

/** Longer than this is a letter, not a question: the person is asked to put it shortly or tell a volunteer. */
const MAX_QUESTION = 1500;

/** Fewer words than this say too little to tell a language by. */
export const LANGUAGE_EVIDENCE = 3;

/**
 * Replies to free text: the answer, "did you mean", small talk, or one plain
 * line that no answer fits. A message written in another language than the
 * chat's is answered in that language, with an offer to switch; `offerLanguage`
 * adds the compact "Language: … · change" button to a first answer.
 */
export async function answerFreeText(ctx: BotContext, deps: AppDeps, text: string, offerLanguage = false): Promise<void> {
  if (text.length > MAX_QUESTION) return void (await ctx.reply(ctx.t("errors.too_long"), { reply_markup: noMatchKeyboard(ctx.t) }));
  const u = deps.faq.understand(text);
  const elsewhere = u.language !== ctx.language && u.purpose !== "none" && words(text).length >= LANGUAGE_EVIDENCE;
  const t = elsewhere ? deps.i18n.getFixedT(u.language) : ctx.t;
  const reply = replyTo(ctx, t, u);
  let markup = reply.markup;
  if (elsewhere || offerLanguage) {
    const name = () => t(`language.names.${u.language}`);
    markup = elsewhere
      ? withRow(markup, t, cb.switchLanguage(u.language), () => t("language.switch", { name: name() }))
      : withRow(markup, t, `${cb.menu("language")}:${u.language}`, () => t("language.current", { name: name() }), cb.menu("language"));
  }
  await ctx.reply(reply.text, { reply_markup: markup, link_preview_options: { is_disabled: true } });
}

export function faqHandlers(): Composer<BotContext> {
  const composer = new FlatComposer<BotContext>();
  composer.callbackQuery(cb.topic.filter, async (ctx) => {
    await ctx.answerCallbackQuery();
    const topic = cb.topic.value(ctx.match);
    const entries = entriesOfTopic(topic);
    if (entries.length === 0) return await ctx.reply(ctx.t("errors.stale"));
    await ctx.reply(ctx.t("faq.choose_question", { topic: ctx.t(`topics.${topic}`, { ns: "faq" }) }), {
      reply_markup: questionList(ctx, entries.map((e) => e.id), cb.menu("faq")),
    });
  });
  composer.callbackQuery(cb.entry.filter, async (ctx) => {
    await ctx.answerCallbackQuery();
    const id = cb.entry.value(ctx.match);
    if (!faqEntry(id)) return await ctx.reply(ctx.t("errors.stale"));
    await sendAnswer(ctx, id);
  });
  composer.callbackQuery(cb.others.filter, async (ctx) => {
    await ctx.answerCallbackQuery();
    const ids = cb.others.ids(ctx.match);
    if (ids.length === 0) return await ctx.reply(ctx.t("errors.stale"));
    await ctx.reply(ctx.t("faq.others_title"), { reply_markup: questionList(ctx, ids, cb.menu("main")) });
  });
  return composer;
}

import { InlineKeyboard, InputFile } from "grammy";
import { Composer } from "../composer.js";
import { renderCard } from "../../card/render.js";
import {
  CARD_COUNTRIES, compose, decodeChoice, defaultChoice, encodeChoice, loadStatements, OFFICER_LANGUAGES, SENTENCES, toggle,
  type Sentence, type StatementBlock,
} from "../../card/statements.js";
import { contactsFor } from "../../emergency/contacts.js";
import { CountryNames } from "../../emergency/country.js";
import { LANGUAGES, type Language } from "../../i18n/languages.js";
import { button } from "../callback-data.js";
import { cb } from "../keyboards.js";
import type { BotContext } from "../context.js";
import type { AppDeps } from "../deps.js";

/**
 * "If I am stopped": a statement in the officer's language, as an image to
 * save and show offline, and as text. Stateless on purpose: the country and
 * the chosen sentences ride in the buttons, so nothing of it is stored.
 */

const country = button("card:c", /[A-Z]{2}/);
/** `<country>.<choice>.<sentence>`: the choice as it is, and the sentence to tick or untick. */
const tick = button("card:t", /[A-Z]{2}\.[0-9a-f]{1,3}\.[a-z_]{4,24}/);
/** `<country>.<choice>` */
const make = button("card:m", /[A-Z]{2}\.[0-9a-f]{1,3}/);

const STATEMENTS = loadStatements();

/** The configured emergency contact for the country (or for everywhere), as the card writes it. */
function contactFor(deps: AppDeps, code: string, language: Language): string | undefined {
  const [first] = contactsFor(deps.config.EMERGENCY_CONTACTS_FILE, code, language, 1);
  return first && `${first.name}, ${first.phone}`;
}

/** The country to offer first: the one the person gave in the intake, if they did. */
function residence(ctx: BotContext, deps: AppDeps): string | undefined {
  if (!ctx.contact) return undefined;
  const code = deps.drafts.load(ctx.contact.id)?.draft.answers.country ?? deps.cases.ofContact(ctx.contact.id).at(-1)?.summary.answers.country;
  return code && CARD_COUNTRIES.includes(code) ? code : undefined;
}

export async function askCardCountry(ctx: BotContext, deps: AppDeps): Promise<void> {
  const first = residence(ctx, deps);
  const order = first ? [first, ...CARD_COUNTRIES.filter((c) => c !== first)] : CARD_COUNTRIES;
  const kb = new InlineKeyboard();
  order.forEach((code, i) => {
    kb.text(`${code === first ? "✓ " : ""}${ctx.t(`card.countries.${code}`)}`, country(code));
    if (i % 2 === 1 || code === first) kb.row();
  });
  ctx.session.cardPicking = true;
  await ctx.reply(ctx.t("card.choose_country"), { reply_markup: kb.row().text(ctx.t("menu.main"), cb.menu("main")) });
}

function choiceKeyboard(ctx: BotContext, code: string, chosen: ReadonlySet<Sentence>, hasContact: boolean): InlineKeyboard {
  const kb = new InlineKeyboard();
  const mask = encodeChoice(chosen);
  for (const s of SENTENCES) {
    if (s === "call" && !hasContact) continue;
    kb.text(`${chosen.has(s) ? "✓" : "☐"} ${ctx.t(`card.sentence.${s}`)}`, tick(`${code}.${mask}.${s}`)).row();
  }
  return kb.text(ctx.t("card.make"), make(`${code}.${mask}`));
}

async function askSentences(ctx: BotContext, deps: AppDeps, code: string): Promise<void> {
  delete ctx.session.cardPicking;
  const hasContact = contactFor(deps, code, ctx.language) !== undefined;
  const text = ctx.t("card.choose_sentences", { country: ctx.t(`card.countries.${code}`) });
  await ctx.reply(hasContact ? text : `${text}\n\n${ctx.t("card.no_contact")}`, { reply_markup: choiceKeyboard(ctx, code, defaultChoice(hasContact), hasContact) });
}

/** The blocks of the card: the officer's language, then the person's, then English, each once. */
export function cardBlocks(code: string, personLanguage: string, chosen: ReadonlySet<Sentence>, contact?: string): StatementBlock[] {
  const languages = [...new Set([OFFICER_LANGUAGES[code]![0]!, personLanguage, "en"])];
  return languages.flatMap((l) => {
    const text = STATEMENTS.get(l);
    return text ? [compose(text, chosen, contact)] : [];
  });
}

/** A typed country name while the picker is open; anything else goes on as usual. */
export function cardTyped(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const names = new CountryNames(Object.fromEntries(CARD_COUNTRIES.map((c) => [c, LANGUAGES.map((l) => deps.i18n.t(`card.countries.${c}`, { lng: l }))])));
  composer.on("message:text", async (ctx, next) => {
    if (!ctx.session.cardPicking || ctx.message.text.startsWith("/")) return await next();
    delete ctx.session.cardPicking;
    const code = names.named(ctx.message.text);
    if (!code) return await next();
    await askSentences(ctx, deps, code);
  });
  return composer;
}

/** `/card` and the card's buttons. */
export function card(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("card", (ctx) => askCardCountry(ctx, deps));

  composer.callbackQuery(country.filter, async (ctx) => {
    const code = country.value(ctx.match);
    if (!CARD_COUNTRIES.includes(code)) return await ctx.answerCallbackQuery({ text: ctx.t("errors.stale") });
    await ctx.answerCallbackQuery();
    await askSentences(ctx, deps, code);
  });

  composer.callbackQuery(tick.filter, async (ctx) => {
    const [code = "", mask = "0", sentence = ""] = tick.value(ctx.match).split(".");
    if (!CARD_COUNTRIES.includes(code) || !(SENTENCES as readonly string[]).includes(sentence)) return await ctx.answerCallbackQuery({ text: ctx.t("errors.stale") });
    await ctx.answerCallbackQuery();
    const hasContact = contactFor(deps, code, ctx.language) !== undefined;
    const chosen = toggle(decodeChoice(mask), sentence as Sentence);
    // Edited in place on Telegram, an edit of the same message on Signal.
    await ctx.editMessageReplyMarkup({ reply_markup: choiceKeyboard(ctx, code, chosen, hasContact) }).catch(() => undefined);
  });

  composer.callbackQuery(make.filter, async (ctx) => {
    const [code = "", mask = "0"] = make.value(ctx.match).split(".");
    if (!CARD_COUNTRIES.includes(code)) return await ctx.answerCallbackQuery({ text: ctx.t("errors.stale") });
    await ctx.answerCallbackQuery();
    const blocks = cardBlocks(code, ctx.language, decodeChoice(mask), contactFor(deps, code, ctx.language));
    const image = renderCard(blocks);
    await ctx.replyWithPhoto(new InputFile(image.png, `statement-${code}.png`), { caption: ctx.t("card.caption") });
    const unreviewed = blocks.filter((b) => !b.reviewed).map((b) => STATEMENTS.get(b.language)!.name);
    const text = blocks.map((b) => [b.title, ...b.lines].join("\n")).join("\n\n");
    await ctx.reply(unreviewed.length > 0 ? `${text}\n\n${ctx.t("card.unreviewed", { language: unreviewed.join(", ") })}` : text);
  });

  return composer;
}

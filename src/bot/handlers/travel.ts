import { InlineKeyboard } from "grammy";
import { Composer } from "../composer.js";
import { ALL, isPlace, togglePlace } from "../../broadcast/regions.js";
import type { BotContext } from "../context.js";
import type { AppDeps } from "../deps.js";
import { button } from "../callback-data.js";
import { addPlaces } from "../keyboards.js";
import { askConsentFor } from "./privacy.js";

/** The places picker's buttons: a place switched on or off, save, and "unsubscribe from all". */
const toggle = button("sub:toggle", /[A-Za-z]{2,10}/);
const save = button("sub:save");
const none = button("sub:none");

function placesKeyboard(ctx: BotContext, chosen: string[]): InlineKeyboard {
  const all = ctx.t("travel.all");
  const kb = new InlineKeyboard().text(chosen.includes(ALL) ? `✓ ${all}` : all, toggle(ALL)).row();
  return addPlaces(kb, ctx.t, (place) => chosen.includes(place), (place) => toggle(place))
    .text(ctx.t("travel.save"), save()).row().text(ctx.t("travel.none"), none());
}

export function placeNames(ctx: BotContext, places: string[]): string {
  return places.map((p) => (p === ALL ? ctx.t("travel.all") : ctx.t(`travel.places.${p}`))).join(", ");
}

/** "Travel warnings" and /subscribe: starts from the current choice, or the country of residence. */
export async function askPlaces(ctx: BotContext, deps: AppDeps): Promise<void> {
  const contact = ctx.contact!;
  const current = deps.subscriptions.get(contact.id);
  const residence = deps.drafts.load(contact.id)?.draft.answers.country ?? deps.cases.ofContact(contact.id).at(-1)?.summary.answers.country;
  ctx.session.places = current ?? (residence && isPlace(residence) ? [residence] : []);
  await ctx.reply(ctx.t("travel.choose"), { reply_markup: placesKeyboard(ctx, ctx.session.places) });
}

export function travel(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("subscribe", (ctx) => (ctx.contact ? askPlaces(ctx, deps) : askConsentFor(ctx, deps, "travel")));
  composer.command("unsubscribe", async (ctx) => {
    const removed = ctx.contact ? deps.subscriptions.remove(ctx.contact.id) : false;
    await ctx.reply(ctx.t(removed ? "travel.unsubscribed" : "travel.not_subscribed"));
  });

  // Only a stored person has a subscription to change.
  const stored = async (ctx: BotContext) => {
    if (!ctx.contact) await ctx.answerCallbackQuery({ text: ctx.t("errors.stale") });
    return ctx.contact;
  };
  const chosenNow = (ctx: BotContext, contactId: string) => ctx.session.places ?? deps.subscriptions.get(contactId) ?? [];

  composer.callbackQuery(toggle.filter, async (ctx) => {
    const contact = await stored(ctx);
    const place = toggle.value(ctx.match);
    if (!contact) return;
    if (!isPlace(place)) return await ctx.answerCallbackQuery({ text: ctx.t("errors.stale") });
    ctx.session.places = togglePlace(chosenNow(ctx, contact.id), place);
    await ctx.answerCallbackQuery();
    // Edited in place on Telegram; messengers without buttons get the list again.
    await ctx.editMessageReplyMarkup({ reply_markup: placesKeyboard(ctx, ctx.session.places) }).catch(() => undefined);
  });

  composer.callbackQuery(none.filter, async (ctx) => {
    const contact = await stored(ctx);
    if (!contact) return;
    await ctx.answerCallbackQuery();
    delete ctx.session.places;
    deps.subscriptions.remove(contact.id);
    await ctx.reply(ctx.t("travel.unsubscribed"));
  });

  composer.callbackQuery(save.filter, async (ctx) => {
    const contact = await stored(ctx);
    if (!contact) return;
    const chosen = chosenNow(ctx, contact.id);
    await ctx.answerCallbackQuery();
    delete ctx.session.places;
    if (chosen.length === 0) return await ctx.reply(ctx.t("travel.nothing_chosen"));
    deps.subscriptions.set(contact.id, chosen);
    await ctx.reply(ctx.t("travel.saved", { places: placeNames(ctx, chosen) }));
  });
  return composer;
}

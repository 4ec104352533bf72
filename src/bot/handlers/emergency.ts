import { Composer } from "../composer.js";
import type { BotContext } from "../context.js";
import type { AppDeps } from "../deps.js";
import { cb, emergencyKeyboard } from "../keyboards.js";
import { sendContacts } from "./contacts.js";
import { useLanguage } from "./language.js";

/**
 * The checklist, once, with the one button that alerts a lawyer. Someone not
 * yet stored reads here, in one line, what that button stores: nothing else
 * stands between them and the alert.
 */
export async function sendChecklist(ctx: BotContext, related: string[] = []): Promise<void> {
  const parts = [ctx.t("emergency.checklist"), ctx.t("emergency.offer")];
  if (!ctx.contact) {
    parts.push(ctx.t("emergency.consent_line"));
    ctx.session.emergencyNoticeShown = true;
  }
  await ctx.reply(parts.join("\n\n"), { reply_markup: emergencyKeyboard(ctx.t, related.slice(0, 3)) });
}

/** `/sos`, the emergency button and "Who can I call?": they work in any state, mid-conversation too. */
export function emergencyCommands(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.callbackQuery(cb.contacts.filter, async (ctx) => {
    await ctx.answerCallbackQuery();
    await sendContacts(ctx, deps);
  });
  composer.command("sos", (ctx) => sendChecklist(ctx));
  composer.callbackQuery(cb.emergency.filter, async (ctx) => {
    await ctx.answerCallbackQuery();
    await sendChecklist(ctx);
  });
  return composer;
}

/**
 * Comes before everything else, onboarding included: someone being detained
 * gets the checklist at once, whatever state their chat is in.
 */
export function emergency(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  // Runs on every update: a plain check rather than a filter.
  composer.use(async (ctx, next) => {
    const text = ctx.message?.text;
    // Staff write about detentions (warnings, notes); they have /sos and the button.
    if (text === undefined || text.startsWith("/") || ctx.staff) return await next();
    const u = deps.faq.understand(text);
    if (u.purpose !== "emergency") return await next();
    // Someone who has not chosen a language is answered in the one they wrote in.
    if (!ctx.session.languageChosen) useLanguage(ctx, deps, u.language);
    const country = deps.countries.named(text);
    if (country) ctx.session.country = country;
    await sendChecklist(ctx, u.alternatives.filter((id) => id !== "emergency-detained-now"));
  });
  return composer;
}

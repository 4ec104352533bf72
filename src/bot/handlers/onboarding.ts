import { Composer } from "../composer.js";
import type { Language } from "../../i18n/languages.js";
import type { BotContext } from "../context.js";
import type { AppDeps } from "../deps.js";
import { cb, languageKeyboard, mainMenu } from "../keyboards.js";
import { sendPrivacy } from "./privacy.js";
import { INTAKE } from "../conversations/intake.js";
import { requestHuman } from "./handoff.js";
import { useLanguage } from "./language.js";
import { askPlaces } from "./travel.js";
import { startKit } from "./reminders.js";

export async function askLanguage(ctx: BotContext): Promise<void> {
  await ctx.reply(ctx.t("language.choose"), { reply_markup: languageKeyboard(ctx.t, ctx.language) });
}

export async function sendMenu(ctx: BotContext): Promise<void> {
  await ctx.reply(ctx.t("menu.title"), { reply_markup: mainMenu(ctx.t) });
}

/** After the consent answer: what the person asked for, or the menu. */
async function continueAfterOnboarding(ctx: BotContext, deps: AppDeps): Promise<void> {
  const action = ctx.session.pendingAction;
  delete ctx.session.pendingAction;
  if (action && ctx.contact) {
    if (action === "lawyer") return await requestHuman(ctx, deps, false);
    if (action === "travel") return await askPlaces(ctx, deps);
    if (action === "kit") return await startKit(ctx, deps);
    return await ctx.conversation.enter(INTAKE, ctx.contact.id, ctx.language);
  }
  await sendMenu(ctx);
}

/**
 * Language first, then the privacy notice and an explicit choice. Until the
 * person agrees, their session lives in memory only and nothing is written.
 */
export function onboarding(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.command("start", async (ctx) => {
    if (ctx.session.languageChosen && ctx.session.consent !== undefined) return await sendMenu(ctx);
    await askLanguage(ctx);
  });
  composer.command("language", askLanguage);
  composer.command("privacy", (ctx) => sendPrivacy(ctx, deps, ctx.session.consent === undefined));

  // The picker goes on to the notice or the menu; a switch offered under an answer only switches.
  const setLanguage = async (ctx: BotContext, lang: Language, onward: boolean) => {
    useLanguage(ctx, deps, lang);
    ctx.session.languageChosen = true;
    await ctx.answerCallbackQuery();
    await ctx.reply(ctx.t("language.set"));
    if (!onward) return;
    if (ctx.session.consent === undefined) return await sendPrivacy(ctx, deps, true);
    await sendMenu(ctx);
  };
  composer.callbackQuery(cb.language.filter, (ctx) => setLanguage(ctx, cb.language.value(ctx.match), true));
  composer.callbackQuery(cb.switchLanguage.filter, (ctx) => setLanguage(ctx, cb.switchLanguage.value(ctx.match), false));

  composer.callbackQuery(cb.consent.filter, async (ctx) => {
    await ctx.answerCallbackQuery();
    if (cb.consent.value(ctx.match) === "yes") {
      ctx.contact = deps.contacts.consent(ctx.address, ctx.language);
      ctx.session.consent = true;
      await ctx.reply(ctx.t("privacy.agreed"));
    } else if (ctx.contact) {
      // Already stored: declining later is what /forget is for.
      await ctx.reply(ctx.t("privacy.agreed"));
    } else {
      ctx.session.consent = false;
      await ctx.reply(ctx.t("privacy.declined"));
    }
    await continueAfterOnboarding(ctx, deps);
  });

  return composer;
}

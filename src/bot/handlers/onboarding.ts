import { Composer } from "grammy";
import { isLanguage } from "../../i18n/languages.js";
import type { BotContext } from "../context.js";
import type { AppDeps } from "../deps.js";
import { consentKeyboard, languageKeyboard, mainMenu } from "../keyboards.js";
import { sendAnswer } from "./faq.js";
import { requestHuman } from "./handoff.js";

export async function askLanguage(ctx: BotContext): Promise<void> {
  await ctx.reply(ctx.t("language.choose"), { reply_markup: languageKeyboard(ctx.t, ctx.language) });
}

export async function sendPrivacy(ctx: BotContext, deps: AppDeps, withButtons: boolean): Promise<void> {
  const text = ctx.t("privacy.notice", {
    intakeDays: deps.config.RETENTION_INTAKE_DAYS,
    caseDays: deps.config.RETENTION_CASE_DAYS,
    idleDays: deps.config.RETENTION_IDLE_DAYS,
  });
  await ctx.reply(text, withButtons ? { reply_markup: consentKeyboard(ctx.t) } : {});
}

export async function sendMenu(ctx: BotContext): Promise<void> {
  await ctx.reply(ctx.t("menu.title"), { reply_markup: mainMenu(ctx.t) });
}

/** After the consent answer: the question that started it all, or the menu. */
async function continueAfterOnboarding(ctx: BotContext, deps: AppDeps): Promise<void> {
  const pending = ctx.session.pending;
  const handoff = ctx.session.pendingHandoff;
  delete ctx.session.pending;
  delete ctx.session.pendingHandoff;
  if (handoff && ctx.contact) return await requestHuman(ctx, deps, handoff === "urgent");
  if (pending) await sendAnswer(ctx, pending);
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

  composer.callbackQuery(/^lang:([a-z]{2})$/, async (ctx) => {
    const lang = ctx.match[1];
    if (!isLanguage(lang)) return await ctx.answerCallbackQuery({ text: ctx.t("errors.stale") });
    ctx.session.language = lang;
    ctx.session.languageChosen = true;
    ctx.language = lang;
    ctx.t = deps.i18n.getFixedT(lang);
    if (ctx.contact) deps.contacts.setLanguage(ctx.contact, lang);
    await ctx.answerCallbackQuery();
    await ctx.reply(ctx.t("language.set"));
    if (ctx.session.consent === undefined) return await sendPrivacy(ctx, deps, true);
    await sendMenu(ctx);
  });

  composer.callbackQuery(/^consent:(yes|no)$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    if (ctx.match[1] === "yes") {
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

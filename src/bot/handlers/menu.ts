import { Composer } from "../composer.js";
import type { BotContext } from "../context.js";
import type { AppDeps } from "../deps.js";
import { INTAKE } from "../conversations/intake.js";
import { cb } from "../keyboards.js";
import { sendTopics } from "./faq.js";
import { alertNow, requestHuman } from "./handoff.js";
import { sendMyData } from "./mydata.js";
import { askPlaces } from "./travel.js";
import { askCardCountry } from "./card.js";
import { askForget } from "./forget.js";
import { startKit } from "./reminders.js";
import { askLanguage, sendMenu } from "./onboarding.js";
import { askConsentFor, sendPrivacy } from "./privacy.js";

/** Menu entries that need the person stored; they ask for consent first. */
const NEEDS_CONSENT = new Set(["intake", "lawyer", "travel", "kit"]);

export function menu(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("menu", sendMenu);
  composer.command("help", (ctx) => ctx.reply(ctx.t("help.text")));
  composer.command("cancel", (ctx) => ctx.reply(ctx.t("soon.cancel")));
  composer.command("mydata", (ctx) => sendMyData(ctx, deps));

  composer.callbackQuery(cb.menu.filter, async (ctx) => {
    await ctx.answerCallbackQuery();
    const item = cb.menu.value(ctx.match);
    // A new choice replaces whatever was waiting for consent.
    delete ctx.session.pendingAction;
    if (NEEDS_CONSENT.has(item) && !ctx.contact) return await askConsentFor(ctx, deps, item as "intake" | "lawyer" | "travel" | "kit");
    switch (item) {
      case "main": return await sendMenu(ctx);
      case "faq": return await sendTopics(ctx);
      case "language": return await askLanguage(ctx);
      case "forget": return await askForget(ctx);
      case "intake": return await ctx.conversation.enter(INTAKE, ctx.contact!.id, ctx.language);
      case "lawyer": return await requestHuman(ctx, deps, false);
      case "urgent": return await alertNow(ctx, deps);
      case "privacy": return await sendPrivacy(ctx, deps, ctx.session.consent === undefined);
      case "travel": return await askPlaces(ctx, deps);
      case "card": return await askCardCountry(ctx, deps);
      case "kit": return await startKit(ctx, deps);
    }
  });
  return composer;
}

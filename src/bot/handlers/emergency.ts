import { Composer } from "grammy";
import { isEmergency } from "../../emergency/detect.js";
import type { BotContext } from "../context.js";
import type { AppDeps } from "../deps.js";
import { cb, emergencyKeyboard } from "../keyboards.js";

export async function sendChecklist(ctx: BotContext, related: string[] = []): Promise<void> {
  await ctx.reply(`${ctx.t("emergency.checklist")}\n\n${ctx.t("emergency.offer")}`, {
    reply_markup: emergencyKeyboard(ctx.t, related.slice(0, 3)),
  });
}

/** `/sos` and the emergency button: they work in any state, mid-conversation too. */
export function emergencyCommands(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("sos", (ctx) => sendChecklist(ctx));
  composer.callbackQuery(cb.emergency, async (ctx) => {
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
    if (text === undefined || text.startsWith("/") || ctx.staff || !isEmergency(text)) return await next();
    const result = deps.faq.match(text);
    const related = [result.best, ...result.others].flatMap((m) => (m ? [m.id] : [])).filter((id) => id !== "emergency-detained-now");
    await sendChecklist(ctx, related);
  });
  return composer;
}

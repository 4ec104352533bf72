import type { BotContext, SessionData } from "../context.js";
import type { AppDeps } from "../deps.js";
import { consentKeyboard } from "../keyboards.js";

export async function sendPrivacy(ctx: BotContext, deps: AppDeps, withButtons: boolean): Promise<void> {
  const text = ctx.t("privacy.notice", {
    intakeDays: deps.config.RETENTION_INTAKE_DAYS,
    caseDays: deps.config.RETENTION_CASE_DAYS,
    idleDays: deps.config.RETENTION_IDLE_DAYS,
    // What the messenger itself protects differs; Signal users are not told to move to Signal.
    channel: ctx.t(ctx.messenger === "signal" ? "privacy.channel_signal" : ctx.messenger === "console" ? "privacy.channel_console" : "privacy.channel_telegram"),
  });
  await ctx.reply(text, withButtons ? { reply_markup: consentKeyboard(ctx.t) } : {});
}

/** Shows the notice with its buttons; what the person asked for goes ahead once they agree. */
export async function askConsentFor(ctx: BotContext, deps: AppDeps, action: NonNullable<SessionData["pendingAction"]>): Promise<void> {
  ctx.session.pendingAction = action;
  await ctx.reply(ctx.t("privacy.consent_needed"));
  await sendPrivacy(ctx, deps, true);
}


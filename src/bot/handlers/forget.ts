import { Composer } from "../composer.js";
import type { SessionFlavor } from "grammy";
import type { BotContext, SessionData } from "../context.js";
import type { AppDeps } from "../deps.js";
import { cb, forgetKeyboard } from "../keyboards.js";

export async function askForget(ctx: BotContext): Promise<void> {
  if (!ctx.contact) {
    (ctx as SessionFlavor<SessionData>).session = null;
    return void (await ctx.reply(ctx.t("forget.nothing")));
  }
  await ctx.reply(ctx.t("forget.confirm"), { reply_markup: forgetKeyboard(ctx.t) });
}

/** Erasure: one confirmation, then the record and its key are gone and the session is reset. */
export function forget(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("forget", askForget);
  composer.callbackQuery(cb.forget.filter, async (ctx) => {
    await ctx.answerCallbackQuery();
    if (cb.forget.value(ctx.match) === "no") return await ctx.reply(ctx.t("forget.kept"));
    const t = ctx.t;
    await ctx.conversation.exitAll();
    if (ctx.contact) deps.desk.forgetPerson(ctx.contact);
    await deps.desk.kick();
    deps.contacts.forget(ctx.address);
    deps.checkpoint();
    delete ctx.contact;
    (ctx as SessionFlavor<SessionData>).session = null;
    await ctx.reply(t("forget.done"));
  });
  return composer;
}

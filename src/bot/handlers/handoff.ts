import { InlineKeyboard } from "grammy";
import type { BotContext } from "../context.js";
import type { AppDeps } from "../deps.js";
import { cb } from "../keyboards.js";

/** "Talk to a lawyer" (urgent from the emergency path): opens or joins the person's case and says what happens next. */
export async function requestHuman(ctx: BotContext, deps: AppDeps, urgent: boolean): Promise<void> {
  const contact = ctx.contact!;
  const { case: c, opened, volunteer } = deps.desk.requestHuman(contact, urgent);
  if (urgent) {
    await ctx.reply(`${ctx.t("handoff.urgent_alerted", { ref: c.ref })}\n\n${ctx.t("emergency.checklist")}`);
  } else if (volunteer) {
    await ctx.reply(ctx.t("handoff.with_volunteer", { name: volunteer.pseudonym, ref: c.ref }));
  } else {
    await ctx.reply(ctx.t(opened ? "handoff.opened" : "handoff.joined_existing", { ref: c.ref }));
  }
  if (Object.keys(c.summary.answers).length === 0 && !volunteer) {
    await ctx.reply(ctx.t("handoff.suggest_intake"), { reply_markup: new InlineKeyboard().text(ctx.t("menu.intake"), cb.menu("intake")) });
  }
  await deps.desk.kick();
}

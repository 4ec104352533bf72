import { InlineKeyboard } from "grammy";
import type { Alerted } from "../../relay/desk.js";
import { pseudonymIn } from "../../staff/staff.js";
import type { BotContext } from "../context.js";
import type { AppDeps } from "../deps.js";
import { cb } from "../keyboards.js";
import { contactLines } from "./contacts.js";
import { sendChecklist } from "./emergency.js";

/** How long the person waits for alerts to be handed to the messengers before being told whom they reached. */
const ALERT_WAIT_MS = 5_000;

/** What the person is told about an urgent alert: exactly who got it, or that nobody could. */
function alertStatus(ctx: BotContext, alerted: Alerted, ref: string): string {
  if (alerted.volunteers > 0) return ctx.t("handoff.alert_volunteers", { count: alerted.volunteers, ref });
  if (alerted.admins > 0) return ctx.t("handoff.alert_admins", { count: alerted.admins, ref });
  if (alerted.group) return ctx.t("handoff.alert_group", { ref });
  return ctx.t("handoff.alert_nobody", { ref });
}

/** "Talk to a lawyer" (urgent from the emergency path): opens or joins the person's case and says what happened. */
export async function requestHuman(ctx: BotContext, deps: AppDeps, urgent: boolean): Promise<void> {
  const contact = ctx.contact!;
  const { case: c, opened, volunteer } = deps.desk.requestHuman(contact, urgent);
  // An urgent alert leaves before the person is told it was sent, and whom it reached;
  // a slow messenger holds the reply up only so long.
  if (urgent) await Promise.race([deps.desk.kick(), new Promise((resolve) => setTimeout(resolve, ALERT_WAIT_MS).unref())]);
  const alerted = urgent && !volunteer ? (deps.desk.alerted(c.id) ?? { volunteers: 0, admins: 0, group: false }) : undefined;
  const described = Object.keys(c.summary.answers).length > 0;
  const next = new InlineKeyboard();
  if (!described && !volunteer) next.text(ctx.t("menu.intake"), cb.menu("intake")).row();
  if (volunteer) {
    await ctx.reply(ctx.t(urgent ? "handoff.with_volunteer_urgent" : "handoff.with_volunteer", { name: pseudonymIn(volunteer.pseudonym, ctx.language), ref: c.ref }));
  } else if (alerted) {
    // Whom to call while waiting, if the desk configured anyone: two at most, to stay short.
    const call = contactLines(ctx, deps, 2);
    const parts = [alertStatus(ctx, alerted, c.ref), ctx.t("handoff.meanwhile"), ...(call.length > 0 ? [[ctx.t("contacts.title"), ...call].join("\n")] : [])];
    await ctx.reply(parts.join("\n\n"), {
      reply_markup: next.text(ctx.t("menu.privacy"), cb.menu("privacy")),
    });
  } else {
    const text = ctx.t(opened ? "handoff.opened" : "handoff.joined_existing", { ref: c.ref });
    await ctx.reply(described ? text : `${text}\n\n${ctx.t("handoff.suggest_intake")}`, { reply_markup: next.text(ctx.t("menu.main"), cb.menu("main")) });
  }
  if (!urgent) await deps.desk.kick();
}

/**
 * The emergency button: one tap both agrees to the one-line notice above it
 * (the chat address, a case reference and the language are stored) and sends the alert.
 */
export async function alertNow(ctx: BotContext, deps: AppDeps): Promise<void> {
  // Staff are not people with cases; they have /queue and /take.
  if (ctx.staff) return void (await ctx.reply(ctx.t("staff.outside_case")));
  // A button pressed without the notice above it (forged, or from elsewhere) gets the notice first.
  if (!ctx.contact && !ctx.session.emergencyNoticeShown) return await sendChecklist(ctx);
  if (!ctx.contact) {
    ctx.contact = deps.contacts.consent(ctx.address, ctx.language);
    ctx.session.consent = true;
    delete ctx.session.emergencyNoticeShown;
  }
  await requestHuman(ctx, deps, true);
}

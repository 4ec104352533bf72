import { InlineKeyboard } from "grammy";
import { Composer } from "../../composer.js";
import { OUTCOMES, PERSON_AUTHOR, type CaseView } from "../../../cases/cases.js";
import type { StaffMember } from "../../../staff/staff.js";
import type { BotContext } from "../../context.js";
import { summaryText } from "../../conversations/intake.js";
import type { AppDeps } from "../../deps.js";
import { answerText } from "../faq.js";
import { button } from "../../callback-data.js";
import { arg, requireRole } from "./guard.js";

/** The "take" button under each waiting case: carries the case reference. */
const takeButton = button("staff:take", /[A-Z0-9-]{1,10}/);

const MINUTE = 60_000;

/** "12 min", "3 h", "2 d": how long a case has waited. */
function waited(ctx: BotContext, since: number, now: number): string {
  const minutes = Math.max(0, Math.round((now - since) / MINUTE));
  if (minutes < 120) return ctx.t("queue.minutes", { count: minutes });
  if (minutes < 48 * 60) return ctx.t("queue.hours", { count: Math.round(minutes / 60) });
  return ctx.t("queue.days", { count: Math.round(minutes / 1440) });
}

/** Cases: the queue, taking, the relay's commands, closing, notes, duty, and an admin's view of any case. */
export function caseCommands(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const { desk, staff } = deps;

  /** The waiting cases with a "take" button each; also the digest when coming on duty. */
  const sendQueue = async (ctx: BotContext, intro?: string) => {
    const waiting = deps.cases.queue();
    if (waiting.length === 0) return await ctx.reply([intro, ctx.t("queue.empty")].filter(Boolean).join("\n\n"));
    const now = deps.now();
    const kb = new InlineKeyboard();
    const lines = waiting.slice(0, 20).map((c) => {
      kb.text(ctx.t("queue.take", { ref: c.ref }), takeButton(c.ref)).row();
      return ctx.t("queue.item", {
        urgent: c.urgent ? ctx.t("queue.urgent_mark") : "", ref: c.ref, waiting: waited(ctx, c.createdAt, now), ...desk.describe(c, ctx.t),
      });
    });
    await ctx.reply([intro, ctx.t("queue.title"), ...lines].filter(Boolean).join("\n"), { reply_markup: kb });
  };
  composer.command("queue", requireRole(deps, "volunteer", (ctx) => sendQueue(ctx)));

  /**
   * What the person agreed a lawyer may see, and the notes: shown only to the
   * volunteer holding the case and to admins, every time audited.
   */
  const details = (ctx: BotContext, c: CaseView) => {
    const answers = c.summary.answers;
    const summary = Object.keys(answers).length === 0
      ? ctx.t("case.no_summary")
      : answers.share === true
        ? summaryText(ctx.t, answers)
        : [summaryText(ctx.t, { lawyerLanguage: answers.lawyerLanguage }, true), ctx.t("case.not_shared")].filter(Boolean).join("\n");
    const notes = deps.cases.notes(c);
    return notes.length > 0 ? `${summary}\n\n${ctx.t("case.notes_title")}\n${notes.map((n) => `• ${n.author === PERSON_AUTHOR ? ctx.t("case.person_author") : n.author}: ${n.text}`).join("\n")}` : summary;
  };

  composer.command("case", requireRole(deps, "admin", async (ctx, member) => {
    const c = desk.viewCase(member, arg(ctx));
    if (!c) return await ctx.reply(arg(ctx) ? ctx.t("case.not_found") : ctx.t("case.admin_usage"));
    const holder = c.volunteerId ? staff.byId(c.volunteerId)?.pseudonym : undefined;
    await ctx.reply(ctx.t("case.admin_view", {
      ref: c.ref, status: ctx.t(`mydata.status.${c.status}`), holder: holder ?? ctx.t("case.no_holder"), summary: details(ctx, c),
    }));
  }));

  const take = async (ctx: BotContext, member: StaffMember, ref: string) => {
    const { result, case: c, adminsTold } = desk.take(member, ref);
    if (result === "not_found") return await ctx.reply(ctx.t("case.not_found"));
    if (result === "taken_by_other") return await ctx.reply(ctx.t("case.taken_by_other", { ref: c!.ref }));
    if (result === "limit_open") return await ctx.reply(ctx.t("case.limit_open", { max: deps.config.MAX_OPEN_CASES }));
    if (result === "limit_rate") {
      await desk.kick();
      return await ctx.reply(ctx.t(adminsTold ? "case.limit_rate_told" : "case.limit_rate", { max: deps.config.MAX_TAKES_PER_HOUR }));
    }
    await ctx.reply(ctx.t("case.taken", { ref: c!.ref, summary: details(ctx, c!) }));
    await desk.kick();
  };
  composer.command("take", requireRole(deps, "volunteer", (ctx, member) => take(ctx, member, arg(ctx))));
  composer.callbackQuery(takeButton.filter, requireRole(deps, "volunteer", async (ctx, member) => {
    await ctx.answerCallbackQuery();
    await take(ctx, member, takeButton.value(ctx.match));
  }));

  composer.command("release", requireRole(deps, "volunteer", async (ctx, member) => {
    const c = desk.release(member);
    if (!c) return await ctx.reply(ctx.t("case.none_current"));
    await ctx.reply(ctx.t("case.released", { ref: c.ref }));
    await desk.kick();
  }));

  composer.command("close", requireRole(deps, "volunteer", async (ctx, member) => {
    const { result, case: c } = desk.close(member, arg(ctx));
    if (result === "usage") return await ctx.reply(ctx.t("case.close_usage", { outcomes: OUTCOMES.join(" | ") }));
    if (result === "none") return await ctx.reply(ctx.t("case.none_current"));
    await ctx.reply(ctx.t("case.closed", { ref: c!.ref, outcome: arg(ctx) }));
    await desk.kick();
  }));

  composer.command("note", requireRole(deps, "volunteer", async (ctx, member) => {
    const text = arg(ctx);
    if (!text) return await ctx.reply(ctx.t("case.note_usage"));
    const c = desk.note(member, text.slice(0, 2000));
    await ctx.reply(c ? ctx.t("case.note_saved", { ref: c.ref }) : ctx.t("case.none_current"));
  }));

  // After checking with the person another way (a call, in person) that their new safety number is theirs.
  composer.command("trust", requireRole(deps, "volunteer", async (ctx, member) => {
    const c = desk.current(member);
    if (!c) return await ctx.reply(ctx.t("case.none_current"));
    const person = deps.contacts.byId(c.contactId);
    const route = person && deps.routes.get(person.address.messenger);
    if (!person || !route?.trust) return await ctx.reply(ctx.t("case.trust_not_needed"));
    await route.trust(route.chatIdOf(person.address.chatId));
    desk.safetyNumberConfirmed(member, c);
    await ctx.reply(ctx.t("case.trust_done", { ref: c.ref }));
    await desk.kick();
  }));

  composer.command("cases", requireRole(deps, "volunteer", async (ctx, member) => {
    const mine = deps.cases.ofVolunteer(member.id);
    if (mine.length === 0) return await ctx.reply(ctx.t("case.mine_empty"));
    const lines = mine.map((c) => `• ${c.ref}${c.id === member.currentCaseId ? ctx.t("case.current_mark") : ""}`);
    await ctx.reply([ctx.t("case.mine_title"), ...lines].join("\n"));
  }));

  composer.command("duty", requireRole(deps, "volunteer", async (ctx, member) => {
    const value = arg(ctx).toLowerCase();
    if (value !== "on" && value !== "off") return await ctx.reply(ctx.t("duty.usage"));
    staff.setDuty(member, value === "on");
    if (value === "on") await sendQueue(ctx, ctx.t("duty.on"));
    else await ctx.reply(ctx.t("duty.off"));
  }));

  composer.command("faq", requireRole(deps, "volunteer", async (ctx, member) => {
    const id = arg(ctx);
    const result = desk.faq(member, id, (language) => answerText(deps.i18n.getFixedT(language), id));
    if (result === "unknown") return await ctx.reply(ctx.t("case.faq_unknown"));
    if (result === "none") return await ctx.reply(ctx.t("case.none_current"));
    const c = desk.current(member)!;
    await ctx.reply(ctx.t("case.faq_sent", { id, ref: c.ref }));
    await desk.kick();
  }));

  return composer;
}

import { Composer, InlineKeyboard } from "grammy";
import { OUTCOMES, type CaseView } from "../../cases/cases.js";
import { AUDIT_ACTIONS, STRANGER, type AuditAction, type AuditQuery } from "../../audit/audit.js";
import type { Role, StaffMember } from "../../staff/staff.js";
import type { BotContext } from "../context.js";
import type { AppDeps } from "../deps.js";
import { BROADCAST } from "../conversations/broadcast.js";
import { summaryText } from "../conversations/intake.js";
import { placeNames } from "./travel.js";
import { answerText } from "./faq.js";

const MINUTE = 60_000;

/** "12 min", "3 h", "2 d": how long a case has waited. */
function waited(ctx: BotContext, since: number, now: number): string {
  const minutes = Math.max(0, Math.round((now - since) / MINUTE));
  if (minutes < 120) return ctx.t("queue.minutes", { count: minutes });
  if (minutes < 48 * 60) return ctx.t("queue.hours", { count: Math.round(minutes / 60) });
  return ctx.t("queue.days", { count: Math.round(minutes / 1440) });
}

const minute = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace("T", " ");

const arg = (ctx: BotContext) => (typeof ctx.match === "string" ? ctx.match.trim() : "");

/**
 * Runs `handler` for staff of at least `role`. The role is read from the
 * database on every update; anyone else gets the same answer as for an
 * unknown command, and the attempt goes to the audit log.
 */
export function requireRole(deps: AppDeps, role: Role, handler: (ctx: BotContext, member: StaffMember) => Promise<unknown>) {
  return async (ctx: BotContext) => {
    const member = ctx.staff;
    if (!member || (role === "admin" && member.role !== "admin")) {
      deps.audit.record(member?.pseudonym ?? "stranger", ctx.callbackQuery ? "forged" : "denied");
      if (ctx.callbackQuery) return await ctx.answerCallbackQuery({ text: ctx.t("errors.stale") });
      return await ctx.reply(ctx.t("help.text"));
    }
    await handler(ctx, member);
  };
}

/** /broadcast enters a conversation, so it is installed after the conversations are. */
export function broadcastCommand(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("broadcast", requireRole(deps, "admin", (ctx, member) => ctx.conversation.enter(BROADCAST, member.id, ctx.language)));
  return composer;
}

/**
 * Staff commands. The role is read from the database on every update; a
 * stranger gets the same answer as for any unknown command (so the commands
 * stay unseen) and the attempt goes to the audit log.
 */
export function staffCommands(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const { desk, staff, audit } = deps;

  const guard = (role: Role, handler: (ctx: BotContext, member: StaffMember) => Promise<unknown>) => requireRole(deps, role, handler);

  composer.command("join", async (ctx) => {
    const member = staff.join(ctx.address, arg(ctx), ctx.language);
    if (!member) {
      audit.record("stranger", "denied");
      return await ctx.reply(ctx.t("staff.join_invalid"));
    }
    audit.record(member.pseudonym, "join");
    await ctx.reply(ctx.t("staff.joined", { role: ctx.t(`staff.roles.${member.role}`), name: member.pseudonym }));
  });

  composer.command("invite", guard("admin", async (ctx, member) => {
    const role: Role = arg(ctx) === "admin" ? "admin" : "volunteer";
    const code = staff.invite(member, role);
    audit.record(member.pseudonym, "invite");
    await ctx.reply(ctx.t("staff.invite_created", { code, role: ctx.t(`staff.roles.${role}`) }));
  }));

  composer.command("staff", guard("admin", async (ctx) => {
    const lines = staff.list().map((m) => ctx.t("staff.list_item", {
      name: m.pseudonym, role: ctx.t(`staff.roles.${m.role}`), duty: m.onDuty ? ctx.t("staff.on_duty_mark") : "",
    }));
    await ctx.reply([ctx.t("staff.list_title"), ...lines].join("\n"));
  }));

  for (const [command, action] of [["remove", "remove"], ["promote", "role"]] as const) {
    composer.command(command, guard("admin", async (ctx, member) => {
      const name = arg(ctx);
      if (!name) return await ctx.reply(ctx.t("staff.usage_name"));
      const target = staff.byPseudonym(name);
      if (!target) return await ctx.reply(ctx.t("staff.not_found"));
      if (command === "remove") {
        // Their cases go back to the queue: removing someone never strands the people they were helping.
        const returned = deps.desk.remove(member, target);
        await deps.desk.kick();
        return await ctx.reply(`${ctx.t("staff.removed", { name: target.pseudonym })} ${ctx.t("staff.cases_returned", { count: returned })}`);
      }
      staff.setRole(target.id, "admin");
      audit.record(member.pseudonym, action);
      await ctx.reply(ctx.t("staff.promoted", { name: target.pseudonym }));
    }));
  }

  // /audit [pseudonym | stranger | kind] [page]: filters combine, strangers are summed up unless asked for.
  composer.command("audit", guard("admin", async (ctx) => {
    const query: AuditQuery = {};
    for (const word of arg(ctx).split(/\s+/).filter(Boolean)) {
      if (/^\d{1,4}$/.test(word)) query.page = Number(word);
      else if ((AUDIT_ACTIONS as readonly string[]).includes(word.toLowerCase())) query.action = word.toLowerCase() as AuditAction;
      else query.actor = word.toLowerCase() === STRANGER ? STRANGER : (staff.byPseudonym(word)?.pseudonym ?? word);
    }
    const { entries, total } = audit.page(query);
    const lines = entries.map((e) => ctx.t("audit.item", { at: minute(e.at), actor: e.actor, action: e.action, ref: e.caseRef ? ` · ${e.caseRef}` : "" }));
    const parts = [ctx.t("audit.title"), ...(lines.length > 0 ? lines : [ctx.t("audit.empty")])];
    const pages = Math.max(1, Math.ceil(total / 20));
    const page = query.page ?? 1;
    if (pages > 1) parts.push(ctx.t("audit.page", { page, pages, next: [query.actor, query.action, page + 1].filter(Boolean).join(" ") }));
    const strangers = audit.strangers();
    if (query.actor === undefined && strangers.total > 0) {
      const kinds = Object.entries(strangers.counts).map(([kind, n]) => `${kind} ${n}`).join(", ");
      parts.push(ctx.t("audit.strangers", { count: strangers.total, kinds, at: minute(strangers.last!) }));
    }
    await ctx.reply(parts.join("\n"));
  }));

  /** The waiting cases with a "take" button each; also the digest when coming on duty. */
  const sendQueue = async (ctx: BotContext, intro?: string) => {
    const waiting = deps.cases.queue();
    if (waiting.length === 0) return await ctx.reply([intro, ctx.t("queue.empty")].filter(Boolean).join("\n\n"));
    const now = deps.now();
    const kb = new InlineKeyboard();
    const lines = waiting.slice(0, 20).map((c) => {
      kb.text(ctx.t("queue.take", { ref: c.ref }), `staff:take:${c.ref}`).row();
      return ctx.t("queue.item", {
        urgent: c.urgent ? ctx.t("queue.urgent_mark") : "", ref: c.ref, waiting: waited(ctx, c.createdAt, now), ...desk.describe(c, ctx.t),
      });
    });
    await ctx.reply([intro, ctx.t("queue.title"), ...lines].filter(Boolean).join("\n"), { reply_markup: kb });
  };
  composer.command("queue", guard("volunteer", (ctx) => sendQueue(ctx)));

  composer.command("broadcasts", guard("admin", async (ctx) => {
    const jobs = deps.broadcasts.list();
    if (jobs.length === 0) return await ctx.reply(ctx.t("broadcast.list_empty"));
    const lines = jobs.map((job) => ctx.t("broadcast.list_item", {
      id: job.id, status: ctx.t(`broadcast.status.${job.status}`), sent: deps.broadcasts.progress(job.id).sent, total: job.total,
      created: minute(job.createdAt), by: job.createdBy,
    }));
    await ctx.reply([ctx.t("broadcast.list_title"), ...lines].join("\n"));
  }));

  composer.command("cancelbroadcast", guard("admin", async (ctx, member) => {
    const id = Number(arg(ctx).replace(/^#/, ""));
    if (!Number.isSafeInteger(id) || id <= 0) return await ctx.reply(ctx.t("broadcast.cancel_usage"));
    if (!deps.broadcasts.cancel(id)) return await ctx.reply(ctx.t("broadcast.cancel_unknown"));
    audit.record(member.pseudonym, "broadcast");
    deps.broadcastRunner?.kick();
    await ctx.reply(ctx.t("broadcast.cancel_done", { id }));
  }));

  composer.command("subscribers", guard("admin", async (ctx) => {
    const counts = Object.entries(deps.subscriptions.counts()).sort((a, b) => b[1] - a[1]);
    if (counts.length === 0) return await ctx.reply(ctx.t("broadcast.counts_empty"));
    await ctx.reply([ctx.t("broadcast.counts_title"), ...counts.map(([place, n]) => `• ${placeNames(ctx, [place])}: ${n}`)].join("\n"));
  }));

  composer.command("health", guard("admin", async (ctx) => {
    const lines = [...deps.health].map(([name, report]) =>
      `${name}: ${Object.entries(report()).map(([k, v]) => `${k}=${v === null ? "—" : String(v)}`).join(", ")}`);
    await ctx.reply([ctx.t("health.title"), ...lines].join("\n"));
  }));

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
    return notes.length > 0 ? `${summary}\n\n${ctx.t("case.notes_title")}\n${notes.map((n) => `• ${n.author}: ${n.text}`).join("\n")}` : summary;
  };

  composer.command("case", guard("admin", async (ctx, member) => {
    const c = deps.cases.byRef(arg(ctx));
    if (!c) return await ctx.reply(arg(ctx) ? ctx.t("case.not_found") : ctx.t("case.admin_usage"));
    audit.record(member.pseudonym, "view", c.ref);
    const holder = c.volunteerId ? staff.byId(c.volunteerId)?.pseudonym : undefined;
    await ctx.reply(ctx.t("case.admin_view", {
      ref: c.ref, status: ctx.t(`mydata.status.${c.status}`), holder: holder ?? ctx.t("case.no_holder"), summary: details(ctx, c),
    }));
  }));

  composer.command("leave", guard("volunteer", async (ctx, member) => {
    const returned = desk.leave(member);
    await desk.kick();
    await ctx.reply(ctx.t("staff.left", { count: returned }));
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
  composer.command("take", guard("volunteer", (ctx, member) => take(ctx, member, arg(ctx))));
  composer.callbackQuery(/^staff:take:([A-Z0-9-]{1,10})$/, guard("volunteer", async (ctx, member) => {
    await ctx.answerCallbackQuery();
    await take(ctx, member, ctx.match![1]!);
  }));

  composer.command("release", guard("volunteer", async (ctx, member) => {
    const c = desk.release(member);
    if (!c) return await ctx.reply(ctx.t("case.none_current"));
    await ctx.reply(ctx.t("case.released", { ref: c.ref }));
    await desk.kick();
  }));

  composer.command("close", guard("volunteer", async (ctx, member) => {
    const { result, case: c } = desk.close(member, arg(ctx));
    if (result === "usage") return await ctx.reply(ctx.t("case.close_usage", { outcomes: OUTCOMES.join(" | ") }));
    if (result === "none") return await ctx.reply(ctx.t("case.none_current"));
    await ctx.reply(ctx.t("case.closed", { ref: c!.ref, outcome: arg(ctx) }));
    await desk.kick();
  }));

  composer.command("note", guard("volunteer", async (ctx, member) => {
    const text = arg(ctx);
    if (!text) return await ctx.reply(ctx.t("case.note_usage"));
    const c = desk.note(member, text.slice(0, 2000));
    await ctx.reply(c ? ctx.t("case.note_saved", { ref: c.ref }) : ctx.t("case.none_current"));
  }));

  // After checking with the person another way (a call, in person) that their new safety number is theirs.
  composer.command("trust", guard("volunteer", async (ctx, member) => {
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

  composer.command("cases", guard("volunteer", async (ctx, member) => {
    const mine = deps.cases.ofVolunteer(member.id);
    if (mine.length === 0) return await ctx.reply(ctx.t("case.mine_empty"));
    const lines = mine.map((c) => `• ${c.ref}${c.id === member.currentCaseId ? ctx.t("case.current_mark") : ""}`);
    await ctx.reply([ctx.t("case.mine_title"), ...lines].join("\n"));
  }));

  composer.command("duty", guard("volunteer", async (ctx, member) => {
    const value = arg(ctx).toLowerCase();
    if (value !== "on" && value !== "off") return await ctx.reply(ctx.t("duty.usage"));
    staff.setDuty(member.id, value === "on");
    audit.record(member.pseudonym, "duty");
    if (value === "on") await sendQueue(ctx, ctx.t("duty.on"));
    else await ctx.reply(ctx.t("duty.off"));
  }));

  composer.command("faq", guard("volunteer", async (ctx, member) => {
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

import { Composer } from "../../composer.js";
import { AUDIT_ACTIONS, STRANGER, type AuditAction, type AuditQuery } from "../../../audit/audit.js";
import type { Role } from "../../../staff/staff.js";
import type { BotContext } from "../../context.js";
import type { AppDeps } from "../../deps.js";
import { arg, minute, requireRole } from "./guard.js";

/** The team: joining, invites, the list, removal, promotion, leaving, and the audit log. */
export function teamCommands(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const { desk, staff, audit } = deps;

  composer.command("join", async (ctx) => {
    const member = staff.join(ctx.address, arg(ctx), ctx.language);
    if (!member) return await ctx.reply(ctx.t("staff.join_invalid"));
    await ctx.reply(ctx.t("staff.joined", { role: ctx.t(`staff.roles.${member.role}`), name: member.pseudonym }));
  });

  composer.command("invite", requireRole(deps, "admin", async (ctx, member) => {
    const role: Role = arg(ctx) === "admin" ? "admin" : "volunteer";
    const code = staff.invite(member, role);
    await ctx.reply(ctx.t("staff.invite_created", { code, role: ctx.t(`staff.roles.${role}`) }));
  }));

  composer.command("staff", requireRole(deps, "admin", async (ctx) => {
    const lines = staff.list().map((m) => ctx.t("staff.list_item", {
      name: m.pseudonym, role: ctx.t(`staff.roles.${m.role}`), duty: m.onDuty ? ctx.t("staff.on_duty_mark") : "",
    }));
    await ctx.reply([ctx.t("staff.list_title"), ...lines].join("\n"));
  }));

  /** The staff member a command names, or a reply saying what is missing. */
  const target = async (ctx: BotContext) => {
    const name = arg(ctx);
    if (!name) return void (await ctx.reply(ctx.t("staff.usage_name")));
    const found = staff.byPseudonym(name);
    if (!found) return void (await ctx.reply(ctx.t("staff.not_found")));
    return found;
  };

  composer.command("remove", requireRole(deps, "admin", async (ctx, member) => {
    const removed = await target(ctx);
    if (!removed) return;
    // Their cases go back to the queue: removing someone never strands the people they were helping.
    const returned = desk.remove(member, removed);
    await desk.kick();
    await ctx.reply(`${ctx.t("staff.removed", { name: removed.pseudonym })} ${ctx.t("staff.cases_returned", { count: returned })}`);
  }));

  composer.command("promote", requireRole(deps, "admin", async (ctx, member) => {
    const promoted = await target(ctx);
    if (!promoted) return;
    staff.setRole(member, promoted.id, "admin");
    await ctx.reply(ctx.t("staff.promoted", { name: promoted.pseudonym }));
  }));

  composer.command("leave", requireRole(deps, "volunteer", async (ctx, member) => {
    const returned = desk.leave(member);
    await desk.kick();
    await ctx.reply(ctx.t("staff.left", { count: returned }));
  }));

  // /audit [pseudonym | stranger | kind] [page]: filters combine, strangers are summed up unless asked for.
  composer.command("audit", requireRole(deps, "admin", async (ctx) => {
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

  return composer;
}

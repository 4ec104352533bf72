import type { StaffMember, Role } from "../../../staff/staff.js";
import { STRANGER } from "../../../audit/audit.js";
import type { BotContext } from "../../context.js";
import type { AppDeps } from "../../deps.js";

export type StaffHandler = (ctx: BotContext, member: StaffMember) => Promise<unknown>;

/**
 * Runs `handler` for staff of at least `role`. The role comes from `Staff`
 * on every update (cached there, and the cache is dropped by every change it
 * makes); anyone else gets the same answer as for an unknown command, so the
 * commands stay unseen, and the attempt goes to the audit log.
 */
export function requireRole(deps: AppDeps, role: Role, handler: StaffHandler) {
  return async (ctx: BotContext) => {
    const member = ctx.staff;
    if (!member || (role === "admin" && member.role !== "admin")) {
      deps.audit.record(member?.pseudonym ?? STRANGER, ctx.callbackQuery ? "forged" : "denied");
      if (ctx.callbackQuery) return await ctx.answerCallbackQuery({ text: ctx.t("errors.stale") });
      return await ctx.reply(ctx.t("help.text"));
    }
    await handler(ctx, member);
  };
}

/** The text after a command, trimmed. */
export const arg = (ctx: BotContext) => (typeof ctx.match === "string" ? ctx.match.trim() : "");

/** A time to the minute, in UTC: what staff lists show. */
export const minute = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace("T", " ");

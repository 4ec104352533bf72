import { Composer } from "../../composer.js";
import type { BotContext } from "../../context.js";
import { BROADCAST } from "../../conversations/broadcast.js";
import type { AppDeps } from "../../deps.js";
import { placeNames } from "../travel.js";
import { arg, minute, requireRole } from "./guard.js";

/** Admins' travel-warning commands besides `/broadcast`: the jobs, cancelling one, subscriber counts. */
export function broadcastAdminCommands(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.command("broadcasts", requireRole(deps, "admin", async (ctx) => {
    const jobs = deps.broadcasts.list();
    if (jobs.length === 0) return await ctx.reply(ctx.t("broadcast.list_empty"));
    const lines = jobs.map((job) => ctx.t("broadcast.list_item", {
      id: job.id, status: ctx.t(`broadcast.status.${job.status}`), sent: deps.broadcasts.progress(job.id).sent, total: job.total,
      created: minute(job.createdAt), by: job.createdBy,
    }));
    await ctx.reply([ctx.t("broadcast.list_title"), ...lines].join("\n"));
  }));

  composer.command("cancelbroadcast", requireRole(deps, "admin", async (ctx, member) => {
    const id = Number(arg(ctx).replace(/^#/, ""));
    if (!Number.isSafeInteger(id) || id <= 0) return await ctx.reply(ctx.t("broadcast.cancel_usage"));
    if (!deps.broadcasts.cancel(id, member.pseudonym)) return await ctx.reply(ctx.t("broadcast.cancel_unknown"));
    deps.broadcastRunner?.kick();
    await ctx.reply(ctx.t("broadcast.cancel_done", { id }));
  }));

  composer.command("subscribers", requireRole(deps, "admin", async (ctx) => {
    const counts = Object.entries(deps.subscriptions.counts()).sort((a, b) => b[1] - a[1]);
    if (counts.length === 0) return await ctx.reply(ctx.t("broadcast.counts_empty"));
    await ctx.reply([ctx.t("broadcast.counts_title"), ...counts.map(([place, n]) => `• ${placeNames(ctx, [place])}: ${n}`)].join("\n"));
  }));

  return composer;
}

/** `/broadcast` enters a conversation, so it is installed after the conversations are. */
export function broadcastCommand(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("broadcast", requireRole(deps, "admin", (ctx, member) => ctx.conversation.enter(BROADCAST, member.id, ctx.language)));
  return composer;
}

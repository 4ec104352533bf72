import { Composer } from "../../composer.js";
import type { BotContext } from "../../context.js";
import type { AppDeps } from "../../deps.js";
import { requireRole } from "./guard.js";

/** `/health`: what each part of the running bot reports about itself (relay, messengers). */
export function healthCommand(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("health", requireRole(deps, "admin", async (ctx) => {
    const lines = [...deps.health].map(([name, report]) =>
      `${name}: ${Object.entries(report()).map(([k, v]) => `${k}=${v === null ? "—" : String(v)}`).join(", ")}`);
    await ctx.reply([ctx.t("health.title"), ...lines].join("\n"));
  }));
  return composer;
}

import { limit } from "@grammyjs/ratelimiter";
import type { Composer } from "grammy";
import { fromLanguageCode } from "../../i18n/languages.js";
import type { BotContext } from "../context.js";
import type { AppDeps } from "../deps.js";

/**
 * Per-person rate limit (grammY's ratelimiter), before anything touches the
 * database: a flood costs a map lookup, and says so once, politely, in the
 * sender's language. Everyone else is unaffected.
 */
export function floodGuard(deps: AppDeps, messenger: string): Parameters<Composer<BotContext>["use"]>[0] {
  return limit<BotContext, never>({
    timeFrame: deps.config.FLOOD_WINDOW_SECONDS * 1000,
    limit: deps.config.FLOOD_LIMIT,
    keyGenerator: (ctx) => (ctx.from ? `${messenger}:${ctx.from.id}` : undefined),
    onLimitExceeded: (ctx) => {
      const language = fromLanguageCode(ctx.from?.language_code) ?? deps.config.DEFAULT_LANGUAGE;
      // Not awaited by the plugin: the notice is best effort, its failure only dropped.
      if (ctx.chat?.type === "private") void ctx.reply(deps.i18n.getFixedT(language)("errors.flood")).catch(() => undefined);
    },
  });
}

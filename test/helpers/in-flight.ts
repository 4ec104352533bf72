import type { Bot } from "grammy";
import type { BotContext } from "../../src/bot/context.js";

/**
 * Counts the updates a bot is handling at once, as seen at `handleUpdate`;
 * `holdMs` makes each take at least that long (as under load), so that a
 * burst piles up.
 */
export function countInFlight(bot: Bot<BotContext>, holdMs = 0): { readonly now: number; readonly most: number } {
  const handle = bot.handleUpdate.bind(bot);
  const count = { now: 0, most: 0 };
  bot.handleUpdate = async (...args) => {
    count.most = Math.max(count.most, ++count.now);
    try {
      if (holdMs > 0) await new Promise((resolve) => setTimeout(resolve, holdMs));
      return await handle(...args);
    } finally {
      count.now--;
    }
  };
  return count;
}

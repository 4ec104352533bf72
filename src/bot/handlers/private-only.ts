import { Composer } from "../composer.js";
import type { BotContext } from "../context.js";

/**
 * The bot talks to people one to one. It leaves any group or channel it is
 * added to, except the configured staff group (where it only announces urgent
 * cases), and ignores everything that does not come from a private chat.
 */
export function privateOnly(staffGroup?: string): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  // One plain check rather than a filter: this runs on every update.
  composer.use(async (ctx, next) => {
    const member = ctx.update.my_chat_member;
    if (member) {
      const status = member.new_chat_member.status;
      const joined = status === "member" || status === "administrator";
      if (member.chat.type !== "private" && joined && String(member.chat.id) !== staffGroup) {
        await ctx.api.leaveChat(member.chat.id).catch(() => undefined);
        return;
      }
    }
    // In a private chat the chat is the person: anything else is forged.
    if (ctx.chat?.type === "private" && ctx.from && !ctx.from.is_bot && ctx.from.id === ctx.chat.id) await next();
  });
  return composer;
}

import { Composer } from "grammy";
import type { BotContext } from "../context.js";

/**
 * The bot talks to people one to one. It leaves any group or channel it is
 * added to and ignores everything that does not come from a private chat.
 */
export function privateOnly(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on("my_chat_member", async (ctx, next) => {
    const chat = ctx.myChatMember.chat;
    const status = ctx.myChatMember.new_chat_member.status;
    if (chat.type !== "private" && (status === "member" || status === "administrator")) {
      await ctx.api.leaveChat(chat.id).catch(() => undefined);
      return;
    }
    await next();
  });
  composer.use(async (ctx, next) => {
    // In a private chat the chat is the person: anything else is forged.
    if (ctx.chat?.type === "private" && ctx.from && !ctx.from.is_bot && ctx.from.id === ctx.chat.id) await next();
  });
  return composer;
}

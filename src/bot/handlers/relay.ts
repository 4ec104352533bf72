import { Composer } from "grammy";
import type { Carried } from "../../relay/desk.js";
import type { BotContext } from "../context.js";
import type { AppDeps } from "../deps.js";

/** What a message carries across: its text, or (for documents and photos) the message itself. */
function carried(ctx: BotContext): Carried | "unsupported" | undefined {
  const message = ctx.message;
  if (!message) return undefined;
  if (message.text !== undefined) return message.text.startsWith("/") ? undefined : { text: message.text };
  if (message.document || message.photo) {
    return { file: { chatId: String(ctx.chat!.id), messageId: message.message_id, messenger: ctx.messenger } };
  }
  return "unsupported";
}

/**
 * The live chat between a person and their volunteer. It comes first for
 * both sides: while a chat is open, what they write is passed on instead of
 * being read as a question.
 */
export function relay(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const { desk } = deps;

  composer.command("endchat", async (ctx) => {
    const c = ctx.contact && desk.endChat(ctx.contact);
    if (!c) return await ctx.reply(ctx.t("relay.not_in_chat"));
    await ctx.reply(ctx.t("relay.ended", { ref: c.ref }));
    await desk.kick();
  });

  composer.on("message", async (ctx, next) => {
    const what = carried(ctx);
    if (what === undefined) return await next();
    const member = ctx.staff;
    const fromVolunteer = member && desk.current(member);
    const fromPerson = !fromVolunteer && ctx.contact && desk.chatOf(ctx.contact);
    if (!fromVolunteer && !fromPerson) return await next();
    if (what === "unsupported") return await ctx.reply(ctx.t("relay.unsupported"));
    const result = fromVolunteer ? desk.fromVolunteer(member!, what) : desk.fromPerson(ctx.contact!, what);
    if (result === "cross-file") return await ctx.reply(ctx.t("relay.cross_file"));
    await desk.kick();
  });
  return composer;
}

import { Composer } from "../composer.js";
import type { Carried } from "../../relay/desk.js";
import { checkFile } from "../../relay/files.js";
import type { BotContext } from "../context.js";
import type { AppDeps } from "../deps.js";

/** What a message carries across: its text, or a document or photo. */
function carried(ctx: BotContext): Carried | "unsupported" | undefined {
  const message = ctx.message;
  if (!message) return undefined;
  if (message.text !== undefined) return message.text.startsWith("/") ? undefined : { text: message.text };
  const base = { messenger: ctx.messenger, fromChatId: ctx.address.chatId, messageId: message.message_id };
  if (message.document) {
    const d = message.document;
    return { file: { ...base, ref: { fileId: d.file_id, kind: "document", name: d.file_name ?? "document", mime: d.mime_type ?? "application/octet-stream", size: d.file_size } } };
  }
  if (message.photo && message.photo.length > 0) {
    const p = message.photo.at(-1)!;
    return { file: { ...base, ref: { fileId: p.file_id, kind: "photo", name: "photo.jpg", mime: "image/jpeg", size: p.file_size } } };
  }
  return "unsupported";
}

/** `/endchat`: the person leaves the live chat with their volunteer. */
export function relayCommands(deps: AppDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("endchat", async (ctx) => {
    const c = ctx.contact && deps.desk.endChat(ctx.contact);
    if (!c) return await ctx.reply(ctx.t("relay.not_in_chat"));
    await ctx.reply(ctx.t("relay.ended", { ref: c.ref }));
    await deps.desk.kick();
  });
  return composer;
}

/**
 * The live chat between a person and their volunteer. It comes first for
 * both sides: while a chat is open, what they write is passed on instead of
 * being read as a question.
 */
export function relay(deps: AppDeps, conversing: (ctx: BotContext) => Promise<boolean>): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const { desk } = deps;
  // Runs on every update: `carried` checks for a message itself, cheaper than a filter.
  composer.use(async (ctx, next) => {
    const what = carried(ctx);
    if (what === undefined) return await next();
    const member = ctx.staff;
    const fromVolunteer = member && desk.current(member);
    const fromPerson = !fromVolunteer && ctx.contact && desk.chatOf(ctx.contact);
    if (!fromVolunteer && !fromPerson) return await next();
    if (fromPerson && (await conversing(ctx))) return await next();
    if (what === "unsupported") return await ctx.reply(ctx.t("relay.unsupported"));
    if ("file" in what) {
      const max = deps.config.MAX_FILE_MB;
      const check = checkFile(what.file.ref.mime, what.file.ref.size, max * 1024 * 1024);
      if (check !== "ok") return await ctx.reply(ctx.t(check === "type" ? "relay.file_type" : "relay.file_too_large", { max }));
    }
    if ("file" in what) deps.routes.get(ctx.messenger)?.claim?.(what.file.ref);
    if (fromVolunteer) desk.fromVolunteer(member, what);
    else desk.fromPerson(ctx.contact!, what);
    await desk.kick();
  });
  return composer;
}

import { sequentialize } from "@grammyjs/runner";
import { conversations, createConversation } from "@grammyjs/conversations";
import { Bot, BotError, Composer, type ApiClientOptions, type Context, type FilterQuery } from "grammy";
import { FlatComposer } from "./composer.js";
import { Gate } from "./gate.js";
import type { Update, UserFromGetMe } from "grammy/types";
import type { BotContext } from "./context.js";
import type { AppDeps } from "./deps.js";
import { BROADCAST, createBroadcastConversation } from "./conversations/broadcast.js";
import { createIntake, INTAKE } from "./conversations/intake.js";
import { createKit, KIT } from "./conversations/kit.js";
import { createFiled, FILED } from "./conversations/filed.js";
import { ccfKit } from "./handlers/reminders.js";
import { createRelease, createSend } from "./delivery.js";
import type { Route } from "./route.js";
import { contextSetup, storageKey } from "./handlers/context-setup.js";
import { relay, relayCommands } from "./handlers/relay.js";
import { broadcastCommand, staffCommands } from "./handlers/staff/index.js";
import { travel } from "./handlers/travel.js";
import { emergency, emergencyCommands } from "./handlers/emergency.js";
import { words } from "../faq/fold.js";
import { answerFreeText, faqHandlers, LANGUAGE_EVIDENCE } from "./handlers/faq.js";
import { forget } from "./handlers/forget.js";
import { menu } from "./handlers/menu.js";
import { askLanguage, onboarding } from "./handlers/onboarding.js";
import { useLanguage } from "./handlers/language.js";
import { floodGuard } from "./handlers/flood.js";
import { card, cardTyped } from "./handlers/card.js";
import { privateOnly } from "./handlers/private-only.js";

/** Where conversation state is stored: this prefix and the chat's storage key. */
const CONVERSATIONS = "conv:";

/** How a transport plugs into the one application. */
export interface TransportOptions {
  /** Names the messenger; also namespaces session keys and contact lookups. */
  messenger: string;
  token: string;
  client?: ApiClientOptions;
  botInfo?: UserFromGetMe;
  /** How chats and files work on this messenger. */
  route: Omit<Route, "api">;
  /** Whether an update is new: false drops one the messenger sent again. */
  isNew?: (update: Update) => boolean | Promise<boolean>;
}

/** The whole application as middleware, independent of where updates come from. */
export function createApp(deps: AppDeps, messenger: string): Composer<BotContext> {
  const app = new FlatComposer<BotContext>();
  app.use(privateOnly(messenger === "telegram" ? deps.config.STAFF_GROUP : undefined));
  app.use(floodGuard(deps, messenger));
  app.use(contextSetup(deps, messenger));
  // grammY checks each command and button filter on every update that reaches
  // it; grouped behind one filter, a plain message passes all of them at once.
  const commandsOrButtons: FilterQuery[] = [":entities:bot_command", "callback_query:data"];
  // These work in any state, mid-conversation too.
  app.on(commandsOrButtons, staffCommands(deps), relayCommands(deps), emergencyCommands(deps));
  // A person answering the kit or the intake mid-chat is answering the bot, not the volunteer.
  const conversing = async (ctx: BotContext) => {
    const key = storageKey(deps, messenger, ctx);
    return key !== undefined && (await deps.conversations.has(CONVERSATIONS + key));
  };
  app.use(relay(deps, conversing));
  app.use(emergency(deps));
  // Only commands and buttons start conversations, so a plain message enters
  // the plugin (which reads and replays state) only while one is under way.
  const inConversations = new FlatComposer<BotContext>(
    conversations<BotContext, Context>({
      storage: { type: "key", prefix: CONVERSATIONS, getStorageKey: (ctx) => storageKey(deps, messenger, ctx), adapter: deps.conversations },
    }),
    createConversation(createIntake(deps), INTAKE),
    createConversation(createKit(deps), KIT),
    createConversation(createFiled(deps), FILED),
    createConversation(createBroadcastConversation(deps), BROADCAST),
  ).middleware();
  app.use(async (ctx, next) => {
    if (ctx.has(commandsOrButtons) || (await conversing(ctx))) {
      return await inConversations(ctx, next);
    }
    await next();
  });
  app.on(commandsOrButtons, broadcastCommand(deps), travel(deps), card(deps), ccfKit(deps), onboarding(deps), menu(deps), forget(deps), faqHandlers());
  app.use(cardTyped(deps));

  app.on("message:text", async (ctx) => {
    const text = ctx.message.text;
    if (text.startsWith("/")) return await ctx.reply(ctx.t("help.text"));
    // Staff in a case were relayed above; outside one, their text is not a question to answer.
    if (ctx.staff) return await ctx.reply(ctx.t("staff.outside_case"));
    // Whatever was waiting for consent is dropped once the person moves on.
    delete ctx.session.pendingAction;
    if (!ctx.session.languageChosen) {
      // Answer first, in the language the message is written in. With nothing
      // to tell it by ("ok", "👍"), ask the language once, and otherwise answer
      // in the messenger's language without settling on it.
      const u = deps.faq.understand(text);
      if (u.purpose === "none" && words(text).length < LANGUAGE_EVIDENCE) {
        if (ctx.session.languageAsked) return await answerFreeText(ctx, deps, text);
        ctx.session.languageAsked = true;
        return await askLanguage(ctx);
      }
      useLanguage(ctx, deps, u.language);
      ctx.session.languageChosen = true;
      return await answerFreeText(ctx, deps, text, true);
    }
    await answerFreeText(ctx, deps, text);
  });
  app.on("callback_query", (ctx) => ctx.answerCallbackQuery({ text: ctx.t("errors.stale") }));
  app.on("edited_message", (ctx) => ctx.reply(ctx.t("errors.edited")));
  app.on("message", (ctx) => ctx.reply(ctx.t("errors.text_only")));
  return app;
}

export function createBot(deps: AppDeps, transport: TransportOptions): Bot<BotContext> {
  const bot = new Bot<BotContext>(transport.token, { client: transport.client, botInfo: transport.botInfo });
  const failed = async (err: BotError<BotContext>) => {
    deps.log.error({ err: err.error, kind: Object.keys(err.ctx.update).find((k) => k !== "update_id") }, "handler failed");
    const ctx = err.ctx;
    if (ctx.chat?.type === "private" && ctx.t) await ctx.reply(ctx.t("errors.generic")).catch(() => undefined);
  };
  const { isNew } = transport;
  if (isNew) {
    bot.use(async (ctx, next) => {
      if (await isNew(ctx.update)) await next();
    });
  }
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
  // A failing handler is dealt with here, whatever the transport: on a webhook an
  // error would otherwise become a 500, and Telegram would send the update again.
  bot.errorBoundary(failed, createApp(deps, transport.messenger));
  // This transport now carries relay messages for its messenger.
  deps.routes.set(transport.messenger, { api: bot.api, ...transport.route });
  deps.desk.connect(createSend(deps.routes), createRelease(deps.routes));
  bot.catch(failed);
  return bot;
}

/**
 * Updates handled at once, as Telegram's runner is told too (grammY's allows
 * 500). The work on an update is on this one thread (SQLite, the matcher,
 * sealing), so more at once does not answer sooner; each one in flight only
 * keeps its data alive long enough to be moved to the old heap, where a
 * burst's garbage then stays.
 */
export const UPDATES_IN_FLIGHT = 50;

/** Each bot's bound on the updates it handles at once, for the transports that call `dispatch`. */
const gates = new WeakMap<Bot<BotContext>, Gate>();

/**
 * Handles one update the way grammY's own polling does: a failing handler
 * goes to `bot.catch` instead of taking the transport down, and no more than
 * `UPDATES_IN_FLIGHT` are handled at once (the rest wait their turn).
 */
export async function dispatch(bot: Bot<BotContext>, update: Update): Promise<void> {
  let gate = gates.get(bot);
  if (!gate) gates.set(bot, (gate = new Gate(UPDATES_IN_FLIGHT)));
  await gate.run(async () => {
    try {
      await bot.handleUpdate(update);
    } catch (error) {
      if (!(error instanceof BotError)) throw error;
      await bot.errorHandler(error as BotError<BotContext>);
    }
  });
}


import { Composer, session, type Context } from "grammy";
import { FlatComposer } from "../composer.js";
import type { Address } from "../../contacts/contacts.js";
import { fromLanguageCode } from "../../i18n/languages.js";
import type { BotContext, SessionData } from "../context.js";
import type { AppDeps } from "../deps.js";

const DAY = 24 * 60 * 60 * 1000;

/**
 * Everything handlers rely on: the session, the person's address and stored
 * record (if they consented), and `ctx.t` in their language.
 */
/** The address of a chat on a messenger: what sessions, conversations and contacts are keyed by. */
export function addressOf(deps: AppDeps, messenger: string, chatId: number): Address {
  const route = deps.routes.get(messenger);
  return { messenger, chatId: route ? route.addressOf(chatId) : String(chatId) };
}

/** `<messenger>:<address chat id>`: the storage key of a private chat. */
export function storageKey(deps: AppDeps, messenger: string, ctx: Context): string | undefined {
  if (ctx.chat?.type !== "private") return undefined;
  const address = addressOf(deps, messenger, ctx.chat.id);
  return `${address.messenger}:${address.chatId}`;
}

export function contextSetup(deps: AppDeps, messenger: string): Composer<BotContext> {
  const composer = new FlatComposer<BotContext>();
  composer.use(session({
    initial: (): SessionData => ({}),
    getSessionKey: (ctx) => storageKey(deps, messenger, ctx),
    storage: deps.sessions,
  }));
  composer.use(async (ctx, next) => {
    ctx.messenger = messenger;
    ctx.numbered = deps.routes.get(messenger)?.numbered === true;
    ctx.address = addressOf(deps, messenger, ctx.chat!.id);
    if (ctx.session.consent !== false) {
      const contact = deps.contacts.find(ctx.address);
      if (contact) {
        ctx.contact = contact;
        ctx.session.consent = true;
        if (!ctx.session.language) {
          ctx.session.language = contact.language;
          ctx.session.languageChosen = true;
        }
        const today = Math.floor(deps.now() / DAY);
        if (ctx.session.touched !== today) {
          deps.contacts.touch(contact);
          ctx.session.touched = today;
        }
      } else if (ctx.session.consent === true) {
        // Erased elsewhere (another process, retention): start over.
        delete ctx.session.consent;
      }
    }
    ctx.language = ctx.session.language ?? fromLanguageCode(ctx.from?.language_code) ?? deps.config.DEFAULT_LANGUAGE;
    // One translator per language, made once and remembering (see createI18n).
    ctx.t = deps.i18n.getFixedT(ctx.language);
    ctx.staff = deps.staff.find(ctx.address, ctx.language, deps.routes.get(messenger)?.aliasesOf?.(ctx.chat!.id));
    await next();
  });
  return composer;
}

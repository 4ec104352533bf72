import type { Language } from "../../i18n/languages.js";
import type { BotContext } from "../context.js";
import type { AppDeps } from "../deps.js";

/** Speaks `language` from now on in this chat (and for a stored person, in relayed messages too). */
export function useLanguage(ctx: BotContext, deps: AppDeps, language: Language): void {
  ctx.session.language = language;
  ctx.language = language;
  ctx.t = deps.i18n.getFixedT(language);
  if (ctx.contact) deps.contacts.setLanguage(ctx.contact, language);
}

import type { StorageAdapter } from "grammy";
import type { i18n } from "i18next";
import type { Config } from "../config/env.js";
import type { Contacts } from "../contacts/contacts.js";
import type { FaqMatcher } from "../faq/matcher.js";
import type { Logger } from "../log/logger.js";
import type { SessionData } from "./context.js";

/** What the bot application needs from the outside; built once in `main.ts` or a test. */
export interface AppDeps {
  config: Config;
  i18n: i18n;
  faq: FaqMatcher;
  contacts: Contacts;
  log: Logger;
  sessions: StorageAdapter<SessionData>;
}

import { MemorySessionStorage } from "grammy";
import type { SessionData } from "./bot/context.js";
import type { AppDeps } from "./bot/deps.js";
import type { Config } from "./config/env.js";
import { Contacts } from "./contacts/contacts.js";
import { Keyring } from "./crypto/keyring.js";
import { loadMasterKey } from "./crypto/master-key.js";
import { openStore, type Store } from "./db/open.js";
import { createFaqMatcher } from "./faq/catalog.js";
import { createI18n } from "./i18n/i18n.js";
import type { Logger } from "./log/logger.js";

/** Sessions of people who have not consented live this long in memory, and nowhere else. */
const SESSION_TTL_MS = 6 * 60 * 60 * 1000;

export interface Runtime {
  deps: AppDeps;
  store: Store;
  close(): void;
}

/** Opens everything the application needs, in the order that keeps a wrong key from touching the database. */
export async function createRuntime(config: Config, log: Logger): Promise<Runtime> {
  const keyring = new Keyring(loadMasterKey(config, log));
  const store = openStore(config.DATABASE_PATH, keyring);
  const i18n = await createI18n();
  const deps: AppDeps = {
    config,
    i18n,
    log,
    faq: createFaqMatcher(i18n),
    contacts: new Contacts(store.db, keyring, { idleDays: config.RETENTION_IDLE_DAYS }),
    sessions: new MemorySessionStorage<SessionData>(SESSION_TTL_MS),
  };
  return { deps, store, close: () => store.close() };
}

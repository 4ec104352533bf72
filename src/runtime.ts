import { MemorySessionStorage } from "grammy";
import { AuditLog } from "./audit/audit.js";
import { Broadcasts } from "./broadcast/broadcasts.js";
import { Subscriptions } from "./broadcast/subscriptions.js";
import type { ConversationData, VersionedState } from "@grammyjs/conversations";
import type { SessionData } from "./bot/context.js";
import type { AppDeps } from "./bot/deps.js";
import { Cases } from "./cases/cases.js";
import { CcfReminders } from "./ccf/reminders.js";
import type { Config } from "./config/env.js";
import { Contacts } from "./contacts/contacts.js";
import { Keyring } from "./crypto/keyring.js";
import { loadMasterKey } from "./crypto/master-key.js";
import { markInUse } from "./db/in-use.js";
import { RowIntegrity } from "./crypto/integrity.js";
import { tableVault } from "./crypto/vault.js";
import { openStore, type Store } from "./db/open.js";
import { PersonalStorage } from "./db/personal-storage.js";
import { createQuestionMatcher } from "./faq/catalog.js";
import { CountryNames } from "./emergency/country.js";
import { LANGUAGES } from "./i18n/languages.js";
import { COUNTRIES } from "./broadcast/regions.js";
import { createI18n } from "./i18n/i18n.js";
import { IntakeDrafts } from "./intake/drafts.js";
import type { Logger } from "./log/logger.js";
import { HandoffDesk } from "./relay/desk.js";
import { Outbox } from "./relay/outbox.js";
import { schedulePurge } from "./retention/purge.js";
import { withoutNames } from "./retention/scrub.js";
import { Staff } from "./staff/staff.js";

/** State of people who have not consented lives this long in memory, and nowhere else. */
const MEMORY_TTL_MS = 6 * 60 * 60 * 1000;
const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;

export interface Runtime {
  deps: AppDeps;
  store: Store;
  keyring: Keyring;
  /** Stops background work, waits for sends in flight, closes the database. */
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Run the retention purge now and hourly (default true). */
  purge?: boolean;
  now?: () => number;
}

/** The real clock, or one that started at `start` when this process did. */
function clockFrom(start: number | undefined): () => number {
  if (start === undefined) return Date.now;
  const offset = start - Date.now();
  return () => Date.now() + offset;
}

/** Opens everything the application needs, in the order that keeps a wrong key from touching the database. */
export async function createRuntime(config: Config, log: Logger, options: RuntimeOptions = {}): Promise<Runtime> {
  const now = options.now ?? clockFrom(config.CLOCK_START);
  if (config.CLOCK_START !== undefined) log.warn("CLOCK_START is set: the clock does not show the real time");
  const master = loadMasterKey(config, log);
  const keyring = new Keyring(master);
  // Only the subkeys derived from it are needed from here on.
  master.fill(0);
  const store = openStore(config.DATABASE_PATH, keyring);
  const unmark = markInUse(config.DATABASE_PATH);
  const i18n = await createI18n();
  const vault = tableVault(store.sqlite, keyring, "contacts");
  const audit = new AuditLog(store.db, now);
  // A row edited behind the bot's back is refused where it is read; the admins see it in /audit.
  const integrity = new RowIntegrity(keyring, (table) => {
    log.warn({ table }, "a row failed its integrity check and was refused");
    audit.record("system", "tampered");
  });
  const contacts = new Contacts(store.db, keyring, vault, integrity, { idleDays: config.RETENTION_IDLE_DAYS, now });

  /** Storage keys are `[conv:]<messenger>:<chat id>`: the contact they belong to, if stored. */
  const contactOf = (key: string) => {
    const [messenger, chatId] = key.replace(/^conv:/, "").split(/:(.*)/s);
    return messenger && chatId ? contacts.idOf({ messenger, chatId }) : undefined;
  };
  const personal = <T>(days: number, scrub?: (key: string, value: unknown) => unknown) => new PersonalStorage<T>(store.db, keyring, vault, {
    contactOf,
    memory: new MemorySessionStorage<unknown>(MEMORY_TTL_MS),
    ttlMs: days * DAY,
    scrub,
    now,
  });

  const drafts = new IntakeDrafts(store.db, vault, { days: config.RETENTION_INTAKE_DAYS, now });
  const cases = new Cases(store.db, vault, integrity, now);
  const staff = new Staff(store.db, keyring, tableVault(store.sqlite, keyring, "staff"), config.ADMINS, integrity, audit, now);
  const outbox = new Outbox(store.db, vault, { deadlineMs: config.RELAY_DEADLINE_MINUTES * 60_000, backoffMs: 1000, now });
  const ambiguous = outbox.recover();
  if (ambiguous > 0) log.warn({ ambiguous }, "relay messages were in flight at the last stop; sent again, may arrive twice");
  const desk = new HandoffDesk({ cases, staff, contacts, drafts, audit, outbox, i18n, log, now }, {
    caseDays: config.RETENTION_CASE_DAYS,
    realertMs: config.URGENT_REALERT_MINUTES * 60_000,
    defaultLanguage: config.DEFAULT_LANGUAGE,
    maxOpen: config.MAX_OPEN_CASES,
    maxTakesPerHour: config.MAX_TAKES_PER_HOUR,
    maxReleasesPerDay: config.MAX_RELEASES_PER_DAY,
    ...(config.STAFF_GROUP ? { staffGroup: { address: { messenger: "telegram", chatId: config.STAFF_GROUP }, language: config.DEFAULT_LANGUAGE } } : {}),
  });

  const subscriptions = new Subscriptions(store.db, vault, now);
  const broadcasts = new Broadcasts(store.db, subscriptions, contacts, audit, now);
  const reminders = new CcfReminders(store.db, vault, now);
  const inFlight = broadcasts.recover();
  if (inFlight > 0) log.warn({ ambiguous: inFlight }, "broadcast sends were in flight at the last stop; sent again, may arrive twice");

  const sessions = personal<SessionData>(config.RETENTION_IDLE_DAYS);
  // A conversation's replay log holds every answer typed into it: it lives as long as an unfinished intake, without names.
  const conversationState = personal<VersionedState<ConversationData>>(config.RETENTION_INTAKE_DAYS, withoutNames);

  const deps: AppDeps = {
    config,
    i18n,
    log,
    faq: createQuestionMatcher(i18n),
    countries: new CountryNames(Object.fromEntries(COUNTRIES.map((c) => [c, LANGUAGES.map((l) => i18n.t(`travel.places.${c}`, { lng: l }))]))),
    contacts,
    drafts,
    cases,
    staff,
    audit,
    desk,
    subscriptions,
    broadcasts,
    reminders,
    routes: new Map(),
    health: new Map([["relay", () => ({ pending: outbox.pending(), ambiguous: outbox.ambiguous })]]),
    sessions,
    conversations: conversationState,
    checkpoint: () => {
      // The erased rows may still be in the log until the next checkpoint gets through; the hourly purge tries again.
      if (!store.checkpoint()) log.warn("the write-ahead log could not be emptied now; erased data stays in it until the next checkpoint");
    },
    now,
  };
  const stopPurge = options.purge === false
    ? () => undefined
    : schedulePurge(store, HOUR, (report) => {
      log.info({ purged: report, broadcasts: broadcasts.compactEnded() }, "retention purge");
      // Rows went away underneath the caches.
      if (report.contacts + report.sessions > 0) {
        sessions.forgetCached();
        conversationState.forgetCached();
        contacts.forgetCached();
      }
    }, now, config.RETENTION_AUDIT_DAYS);
  // Retries due relay messages and re-announces urgent cases nobody has taken.
  const tick = setInterval(() => {
    const due = outbox.nextDue();
    if (desk.realert() > 0 || (due !== undefined && due <= now())) desk.kick().catch((err: unknown) => log.error({ err }, "relay delivery failed"));
  }, 5_000);
  tick.unref();
  return {
    deps,
    store,
    keyring,
    close: async () => {
      clearInterval(tick);
      stopPurge();
      await deps.broadcastRunner?.stop();
      store.close();
      unmark();
    },
  };
}

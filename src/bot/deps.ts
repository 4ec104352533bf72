import type { VersionedState, ConversationData } from "@grammyjs/conversations";
import type { i18n } from "i18next";
import type { AuditLog } from "../audit/audit.js";
import type { Broadcasts } from "../broadcast/broadcasts.js";
import type { BroadcastRunner } from "../broadcast/runner.js";
import type { Subscriptions } from "../broadcast/subscriptions.js";
import type { Cases } from "../cases/cases.js";
import type { CcfReminders } from "../ccf/reminders.js";
import type { Config } from "../config/env.js";
import type { Contacts } from "../contacts/contacts.js";
import type { KeyValueStorage, PersonalStorage } from "../db/personal-storage.js";
import type { CountryNames } from "../emergency/country.js";
import type { QuestionMatcher } from "../faq/understand.js";
import type { IntakeDrafts } from "../intake/drafts.js";
import type { Logger } from "../log/logger.js";
import type { HandoffDesk } from "../relay/desk.js";
import type { Staff } from "../staff/staff.js";
import type { SessionData } from "./context.js";
import type { Route } from "./route.js";

/** What the bot application needs from the outside; built once in `runtime.ts` or a test. */
export interface AppDeps {
  config: Config;
  i18n: i18n;
  faq: QuestionMatcher;
  /** Which country a message names, for emergency contacts. */
  countries: CountryNames;
  contacts: Contacts;
  drafts: IntakeDrafts;
  cases: Cases;
  staff: Staff;
  audit: AuditLog;
  desk: HandoffDesk;
  subscriptions: Subscriptions;
  /** Deadline reminders of CCF requests people have filed. */
  reminders: CcfReminders;
  broadcasts: Broadcasts;
  /** Set once the transports are up and sending can start. */
  broadcastRunner?: BroadcastRunner;
  /** Each running transport, by messenger name, for relaying between them. */
  routes: Map<string, Route>;
  /** What `/health` reports, by component. */
  health: Map<string, () => Record<string, string | number | boolean | null>>;
  log: Logger;
  sessions: KeyValueStorage<SessionData> & Pick<PersonalStorage<SessionData>, "expiryOf">;
  conversations: KeyValueStorage<VersionedState<ConversationData>> & Pick<PersonalStorage<VersionedState<ConversationData>>, "has">;
  /** Empties the write-ahead log so erased data leaves no copy behind. */
  checkpoint(): void;
  now: () => number;
}

import { blob, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * One row per person who agreed to be stored. Nothing here is readable
 * without the root key: `lookup` is a keyed hash of the messenger id, and
 * `profile` is sealed with the person's own data key, which is itself sealed
 * (`wrapped_key`) with a key derived from the root key. Deleting the row
 * destroys the data key, and with it everything sealed under it.
 */
export const contacts = sqliteTable("contacts", {
  id: text("id").primaryKey(),
  lookup: blob("lookup", { mode: "buffer" }).notNull().unique(),
  wrappedKey: blob("wrapped_key", { mode: "buffer" }).notNull(),
  profile: blob("profile", { mode: "buffer" }).notNull(),
  consentAt: integer("consent_at").notNull(),
  lastSeenAt: integer("last_seen_at").notNull(),
  expiresAt: integer("expires_at").notNull(),
}, (t) => [index("contacts_expires_at").on(t.expiresAt)]);

/** Session and conversation state of stored people, sealed with their data key. */
export const sessions = sqliteTable("sessions", {
  lookup: blob("lookup", { mode: "buffer" }).primaryKey(),
  contactId: text("contact_id").notNull().references(() => contacts.id, { onDelete: "cascade" }),
  value: blob("value", { mode: "buffer" }).notNull(),
  expiresAt: integer("expires_at").notNull(),
}, (t) => [index("sessions_contact").on(t.contactId), index("sessions_expires_at").on(t.expiresAt)]);

/** An unfinished intake: the step reached and the answers so far, sealed. */
export const intakeDrafts = sqliteTable("intake_drafts", {
  contactId: text("contact_id").primaryKey().references(() => contacts.id, { onDelete: "cascade" }),
  draft: blob("draft", { mode: "buffer" }).notNull(),
  expiresAt: integer("expires_at").notNull(),
});

/**
 * Volunteers and admins who registered with an invite (admins from `ADMINS`
 * get a row on first contact). Found by a keyed hash of their messenger id;
 * the profile (address, pseudonym) is sealed with their own data key.
 */
export const staff = sqliteTable("staff", {
  id: text("id").primaryKey(),
  lookup: blob("lookup", { mode: "buffer" }).notNull().unique(),
  wrappedKey: blob("wrapped_key", { mode: "buffer" }).notNull(),
  profile: blob("profile", { mode: "buffer" }).notNull(),
  role: text("role", { enum: ["volunteer", "admin"] }).notNull(),
  onDuty: integer("on_duty", { mode: "boolean" }).notNull().default(false),
  /** The case the volunteer's messages are relayed to. */
  currentCaseId: text("current_case_id"),
  createdAt: integer("created_at").notNull(),
  /** Keyed checksum over id, lookup and role (`RowIntegrity.staff`). */
  integrity: blob("integrity", { mode: "buffer" }),
});

/** One-time invite codes, stored only as a keyed hash. */
export const invites = sqliteTable("invites", {
  codeHash: blob("code_hash", { mode: "buffer" }).primaryKey(),
  role: text("role", { enum: ["volunteer", "admin"] }).notNull(),
  createdBy: text("created_by").notNull(),
  expiresAt: integer("expires_at").notNull(),
  /** Keyed checksum over the hash and the role (`RowIntegrity.invite`). */
  integrity: blob("integrity", { mode: "buffer" }),
});

/**
 * A person's case. The reference is random and says nothing; the summary is
 * sealed. Status and times stay in clear so the queue can be sorted.
 */
export const cases = sqliteTable("cases", {
  id: text("id").primaryKey(),
  ref: text("ref").notNull().unique(),
  contactId: text("contact_id").notNull().references(() => contacts.id, { onDelete: "cascade" }),
  summary: blob("summary", { mode: "buffer" }).notNull(),
  status: text("status", { enum: ["open", "taken", "closed"] }).notNull(),
  urgent: integer("urgent", { mode: "boolean" }).notNull().default(false),
  createdAt: integer("created_at").notNull(),
  closedAt: integer("closed_at"),
  /** Set when the case closes; open cases live as long as their contact. */
  expiresAt: integer("expires_at"),
  volunteerId: text("volunteer_id").references(() => staff.id, { onDelete: "set null" }),
  takenAt: integer("taken_at"),
  outcome: text("outcome"),
  /** When on-duty volunteers were last alerted about this urgent case. */
  alertedAt: integer("alerted_at"),
  /** Keyed checksum over id, person and volunteer (`RowIntegrity.case`). */
  integrity: blob("integrity", { mode: "buffer" }),
}, (t) => [index("cases_contact").on(t.contactId), index("cases_status").on(t.status)]);

/** Staff notes on a case, sealed with the person's key so that they go with the person. */
export const caseNotes = sqliteTable("case_notes", {
  id: text("id").primaryKey(),
  caseId: text("case_id").notNull().references(() => cases.id, { onDelete: "cascade" }),
  author: text("author").notNull(),
  note: blob("note", { mode: "buffer" }).notNull(),
  createdAt: integer("created_at").notNull(),
});

/**
 * Relay messages waiting for delivery. The payload is sealed with the case
 * person's key and the row is deleted once delivered: bodies are not kept.
 */
export const outbox = sqliteTable("outbox", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  caseId: text("case_id").notNull().references(() => cases.id, { onDelete: "cascade" }),
  payload: blob("payload", { mode: "buffer" }).notNull(),
  state: text("state", { enum: ["pending", "sending"] }).notNull(),
  attempts: integer("attempts").notNull().default(0),
  nextAttemptAt: integer("next_attempt_at").notNull(),
  deadlineAt: integer("deadline_at").notNull(),
}, (t) => [index("outbox_due").on(t.state, t.nextAttemptAt)]);

/** What staff did, when, under which pseudonym, on which case. Never message text. */
export const audit = sqliteTable("audit", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  at: integer("at").notNull(),
  actor: text("actor").notNull(),
  action: text("action").notNull(),
  caseRef: text("case_ref"),
});

/** Facts about the database itself: the root key's check value, the wrapped blind-index key. */
export const meta = sqliteTable("meta", {
  key: text("key").primaryKey(),
  value: blob("value", { mode: "buffer" }).notNull(),
});

/**
 * Signal envelopes as received, kept until handled so that a crash loses
 * none; the key (a keyed hash of sender and timestamp) also drops repeats.
 * Handled rows keep only the key, for a while, and no content.
 */
export const signalInbox = sqliteTable("signal_inbox", {
  key: blob("key", { mode: "buffer" }).primaryKey(),
  envelope: blob("envelope", { mode: "buffer" }),
  receivedAt: integer("received_at").notNull(),
  handledAt: integer("handled_at"),
}, (t) => [index("signal_inbox_handled").on(t.handledAt)]);

/**
 * Replies to Signal held during a rate-limit pause, sent in order once it
 * ends: recipient and content sealed together, deleted once sent.
 */
export const signalHeld = sqliteTable("signal_held", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  payload: blob("payload", { mode: "buffer" }).notNull(),
  heldAt: integer("held_at").notNull(),
});

/**
 * Telegram update ids already taken up, so an update Telegram sends again (a
 * webhook call that got no answer, a batch fetched just before a crash) is not
 * handled twice. Only the counter is kept, for a day (Telegram keeps updates
 * no longer).
 */
export const telegramUpdates = sqliteTable("telegram_updates", {
  updateId: integer("update_id").primaryKey(),
  seenAt: integer("seen_at").notNull(),
}, (t) => [index("telegram_updates_seen_at").on(t.seenAt)]);

/** Which places a person wants travel warnings about, sealed with their key. */
export const subscriptions = sqliteTable("subscriptions", {
  contactId: text("contact_id").primaryKey().references(() => contacts.id, { onDelete: "cascade" }),
  places: blob("places", { mode: "buffer" }).notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * A travel warning and its sending job. The texts are the admins' public
 * warnings; who receives them is in `broadcast_deliveries`, fixed at confirm.
 */
export const broadcasts = sqliteTable("broadcasts", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  status: text("status", { enum: ["running", "done", "cancelled"] }).notNull(),
  createdBy: text("created_by").notNull(),
  /** The admin to report progress to: their staff id and the message edited in place. */
  adminId: text("admin_id"),
  progressMessageId: integer("progress_message_id"),
  texts: text("texts", { mode: "json" }).$type<Record<string, string>>().notNull(),
  fallback: text("fallback").notNull(),
  target: text("target", { mode: "json" }).$type<{ kind: "all" } | { kind: "places"; places: string[] } | { kind: "language"; language: string }>().notNull(),
  total: integer("total").notNull(),
  /** Sends that were in flight when the process died: they may have arrived twice. */
  ambiguous: integer("ambiguous").notNull().default(0),
  /** Final counts, kept once the job has ended and its delivery rows are deleted. */
  sent: integer("sent"),
  failed: integer("failed"),
  createdAt: integer("created_at").notNull(),
  finishedAt: integer("finished_at"),
});

/**
 * Who a running job still has to reach. Joined with the job's target it says
 * who follows which place, so the rows go when the job ends (counts stay).
 */
export const broadcastDeliveries = sqliteTable("broadcast_deliveries", {
  broadcastId: integer("broadcast_id").notNull().references(() => broadcasts.id, { onDelete: "cascade" }),
  contactId: text("contact_id").notNull().references(() => contacts.id, { onDelete: "cascade" }),
  seq: integer("seq").notNull(),
  messenger: text("messenger").notNull(),
  state: text("state", { enum: ["pending", "sending", "sent", "failed"] }).notNull(),
  attempts: integer("attempts").notNull().default(0),
  nextAt: integer("next_at").notNull().default(0),
  /** When it was sent or given up; gives the current rate without asking the process. */
  settledAt: integer("settled_at"),
}, (t) => [
  primaryKey({ columns: [t.broadcastId, t.contactId] }),
  index("broadcast_deliveries_queue").on(t.broadcastId, t.messenger, t.state, t.seq),
]);

/**
 * A CCF request the person says they have filed, and its next reminder. The
 * filing (kind and dates) is sealed; only the day of the next reminder is in
 * clear, for scheduling. `sending` is set, and committed, before a reminder
 * goes out: a row found so after a crash is not sent again.
 */
export const ccfReminders = sqliteTable("ccf_reminders", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  contactId: text("contact_id").notNull().references(() => contacts.id, { onDelete: "cascade" }),
  filing: blob("filing", { mode: "buffer" }).notNull(),
  stage: text("stage", { enum: ["week", "deadline"] }).notNull(),
  dueDay: text("due_day").notNull(),
  sending: integer("sending", { mode: "boolean" }).notNull().default(false),
}, (t) => [index("ccf_reminders_due").on(t.dueDay), index("ccf_reminders_contact").on(t.contactId)]);

import { blob, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * One row per person who agreed to be stored. Nothing here is readable
 * without the root key: `lookup` is a keyed hash of the messenger id, and
 * `profile` is sealed with the person's own data key, which is itself sealed
 * (`wrapped_key`) with a key derived from the root key.
 */
export const contacts = sqliteTable("contacts", {
  id: text("id").primaryKey(),
  lookup: blob("lookup", { mode: "buffer" }).notNull().unique(),
  wrappedKey: blob("wrapped_key", { mode: "buffer" }).notNull(),
  profile: blob("profile", { mode: "buffer" }).notNull(),
  consentAt: integer("consent_at").notNull(),
  lastSeenAt: integer("last_seen_at").notNull(),
  expiresAt: integer("expires_at").notNull(),
});

/** Facts about the database itself, such as the check value of its root key. */
export const meta = sqliteTable("meta", {
  key: text("key").primaryKey(),
  value: blob("value", { mode: "buffer" }).notNull(),
});

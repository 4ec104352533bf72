import type Database from "better-sqlite3";
import { RowIntegrity } from "../crypto/integrity.js";
import { open, seal, type Keyring } from "../crypto/keyring.js";
import { RotationError } from "./rotate.js";
import { heldPlace } from "../transports/signal/held.js";

export interface RekeyReport {
  people: number;
  staff: number;
  /** Sealed values opened with the old keys and sealed again with the new ones. */
  values: number;
  /** Pending invites: their codes are hashed with the old index key and cannot be carried over. */
  invitesDropped: number;
  /** Session rows whose storage key could not be recognised: deleted rather than carried over. */
  dropped: number;
}

interface Profile {
  messenger: string;
  chatId: string;
}

/**
 * Full re-key: a new root key, a new blind-index key, a new data key for
 * every person and staff member, every sealed value sealed again, every
 * lookup hash and integrity checksum computed again. An old root key with an
 * old copy of the database then opens nothing in the new one. It runs in one
 * transaction: stopped half-way, or on a value that does not open, nothing
 * has changed.
 */
export function rekeyAll(sqlite: Database.Database, current: Keyring, next: Keyring): RekeyReport {
  const meta = (key: string) => (sqlite.prepare("SELECT value FROM meta WHERE key = ?").get(key) as { value: Buffer } | undefined)?.value;
  const check = meta("key_check");
  const index = meta("index_key");
  if (!check || !index) throw new RotationError("this database has no key check value; start the bot once first");
  if (meta("key_check_next")) throw new RotationError("a root key rotation is under way; finish it first");
  if (!current.matches(check)) throw new RotationError("the current key does not match this database");
  current.loadIndexKey(index);
  const newIndex = next.createIndexKey();
  const integrity = new RowIntegrity(next);
  const report: RekeyReport = { people: 0, staff: 0, values: 0, invitesDropped: 0, dropped: 0 };

  const reseal = (oldKey: Buffer, newKey: Buffer, sealed: Buffer, place: string, newPlace = place): Buffer => {
    report.values++;
    return seal(newKey, open(oldKey, sealed, place), newPlace);
  };
  const all = <T>(sql: string, ...params: unknown[]) => sqlite.prepare(sql).all(...params) as T[];
  const run = (sql: string, ...params: unknown[]) => sqlite.prepare(sql).run(...params);

  sqlite.transaction(() => {
    for (const row of all<{ id: string; wrapped_key: Buffer; profile: Buffer }>("SELECT id, wrapped_key, profile FROM contacts")) {
      const oldKey = current.unwrapDataKey(row.wrapped_key, row.id);
      const newKey = next.newDataKey();
      const place = `contacts:${row.id}:profile`;
      const profile = JSON.parse(open(oldKey, row.profile, place).toString("utf8")) as Profile;
      const address = `${profile.messenger}:${profile.chatId}`;
      run("UPDATE contacts SET wrapped_key = ?, lookup = ?, profile = ? WHERE id = ?",
        next.wrapDataKey(newKey, row.id), next.blindIndex(`contact:${address}`), reseal(oldKey, newKey, row.profile, place), row.id);

      // Session and conversation state are found by a hash of their storage key, which is also in their place.
      const stateKeys = [address, `conv:${address}`];
      for (const s of all<{ lookup: Buffer; value: Buffer }>("SELECT lookup, value FROM sessions WHERE contact_id = ?", row.id)) {
        const key = stateKeys.find((k) => current.blindIndex(`state:${k}`).equals(s.lookup));
        if (!key) {
          run("DELETE FROM sessions WHERE lookup = ?", s.lookup);
          report.dropped++;
          continue;
        }
        const lookup = next.blindIndex(`state:${key}`);
        run("UPDATE sessions SET lookup = ?, value = ? WHERE lookup = ?",
          lookup, reseal(oldKey, newKey, s.value, `sessions:${s.lookup.toString("hex")}:value`, `sessions:${lookup.toString("hex")}:value`), s.lookup);
      }
      for (const d of all<{ draft: Buffer }>("SELECT draft FROM intake_drafts WHERE contact_id = ?", row.id)) {
        run("UPDATE intake_drafts SET draft = ? WHERE contact_id = ?", reseal(oldKey, newKey, d.draft, `intake_drafts:${row.id}:draft`), row.id);
      }
      for (const sub of all<{ places: Buffer }>("SELECT places FROM subscriptions WHERE contact_id = ?", row.id)) {
        run("UPDATE subscriptions SET places = ? WHERE contact_id = ?", reseal(oldKey, newKey, sub.places, `subscriptions:${row.id}:places`), row.id);
      }
      for (const c of all<{ id: string; summary: Buffer; volunteer_id: string | null }>("SELECT id, summary, volunteer_id FROM cases WHERE contact_id = ?", row.id)) {
        run("UPDATE cases SET summary = ?, integrity = ? WHERE id = ?", reseal(oldKey, newKey, c.summary, `cases:${c.id}:summary`),
          integrity.case({ id: c.id, contactId: row.id, volunteerId: c.volunteer_id }), c.id);
        for (const n of all<{ id: string; note: Buffer }>("SELECT id, note FROM case_notes WHERE case_id = ?", c.id)) {
          run("UPDATE case_notes SET note = ? WHERE id = ?", reseal(oldKey, newKey, n.note, `case_notes:${n.id}:note`), n.id);
        }
        for (const o of all<{ id: number; payload: Buffer }>("SELECT id, payload FROM outbox WHERE case_id = ?", c.id)) {
          run("UPDATE outbox SET payload = ? WHERE id = ?", reseal(oldKey, newKey, o.payload, `outbox:${c.id}:${o.id}`), o.id);
        }
      }
      oldKey.fill(0);
      newKey.fill(0);
      report.people++;
    }

    for (const row of all<{ id: string; wrapped_key: Buffer; profile: Buffer; role: string }>("SELECT id, wrapped_key, profile, role FROM staff")) {
      const oldKey = current.unwrapDataKey(row.wrapped_key, row.id);
      const newKey = next.newDataKey();
      const place = `staff:${row.id}:profile`;
      const profile = JSON.parse(open(oldKey, row.profile, place).toString("utf8")) as Profile;
      const lookup = next.blindIndex(`staff:${profile.messenger}:${profile.chatId}`);
      run("UPDATE staff SET wrapped_key = ?, lookup = ?, profile = ?, integrity = ? WHERE id = ?",
        next.wrapDataKey(newKey, row.id), lookup, reseal(oldKey, newKey, row.profile, place), integrity.staff({ id: row.id, lookup, role: row.role }), row.id);
      oldKey.fill(0);
      newKey.fill(0);
      report.staff++;
    }

    report.invitesDropped = run("DELETE FROM invites").changes;
    // Signal envelopes not yet handled: sealed again under the new inbox key; handled ones keep no content.
    const oldInbox = current.derive("signal-inbox");
    const newInbox = next.derive("signal-inbox");
    for (const e of all<{ key: Buffer; envelope: Buffer }>("SELECT key, envelope FROM signal_inbox WHERE envelope IS NOT NULL")) {
      const place = `signal_inbox:${e.key.toString("hex")}`;
      run("UPDATE signal_inbox SET envelope = ? WHERE key = ?", reseal(oldInbox, newInbox, e.envelope, place), e.key);
    }
    // Signal replies held by a rate-limit pause, likewise.
    const oldHeld = current.derive("signal-held");
    const newHeld = next.derive("signal-held");
    for (const h of all<{ id: number; payload: Buffer }>("SELECT id, payload FROM signal_held")) {
      run("UPDATE signal_held SET payload = ? WHERE id = ?", reseal(oldHeld, newHeld, h.payload, heldPlace(h.id)), h.id);
    }
    run("UPDATE meta SET value = ? WHERE key = 'index_key'", newIndex);
    run("UPDATE meta SET value = ? WHERE key = 'key_check'", next.checkValue());
  })();
  sqlite.pragma("wal_checkpoint(TRUNCATE)");
  return report;
}

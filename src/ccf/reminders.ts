import { and, asc, eq, lte, sql } from "drizzle-orm";
import type { Vault } from "../crypto/vault.js";
import type { Db } from "../db/open.js";
import { ccfReminders } from "../db/schema.js";
import { dayOf, nextReminder, type Filing, type ReminderStage } from "./deadlines.js";

export interface Reminder {
  id: number;
  contactId: string;
  filing: Filing;
  stage: ReminderStage;
  due: string;
}

const place = (contactId: string) => `ccf_reminders:${contactId}:filing`;
type Row = typeof ccfReminders.$inferSelect;

/**
 * Reminders of the CCF's deadlines for requests people have filed. Each is
 * sent at most once: it is marked `sending` in its own committed write
 * before it goes, and a reminder found marked after a crash is counted and
 * moved on, not sent again.
 */
export class CcfReminders {
  constructor(
    private readonly db: Db,
    private readonly vault: Vault,
    private readonly now: () => number,
  ) {}

  #today(): string {
    return dayOf(this.now());
  }

  #view(row: Row): Reminder {
    return { id: row.id, contactId: row.contactId, filing: this.vault.open<Filing>(row.contactId, row.filing, place(row.contactId)), stage: row.stage, due: row.dueDay };
  }

  /** Records a filed request; undefined (nothing stored) when its deadline is already behind. */
  add(contactId: string, filing: Filing): Reminder | undefined {
    const next = nextReminder(filing, this.#today());
    if (!next) return undefined;
    const row = this.db.insert(ccfReminders).values({
      contactId, filing: this.vault.seal(contactId, filing, place(contactId)), stage: next.stage, dueDay: next.due,
    }).returning().get();
    return this.#view(row);
  }

  list(contactId: string): Reminder[] {
    return this.db.select().from(ccfReminders).where(eq(ccfReminders.contactId, contactId)).orderBy(asc(ccfReminders.dueDay)).all().map((r) => this.#view(r));
  }

  count(contactId: string): number {
    return this.db.select({ n: sql<number>`count(*)` }).from(ccfReminders).where(eq(ccfReminders.contactId, contactId)).get()?.n ?? 0;
  }

  /** Only the person's own reminders can be cancelled. */
  cancel(contactId: string, id: number): boolean {
    return this.db.delete(ccfReminders).where(and(eq(ccfReminders.id, id), eq(ccfReminders.contactId, contactId))).run().changes > 0;
  }

  /**
   * The day the CCF found the request admissible: the deadline is counted
   * from it. Returns the reminder as now scheduled, or undefined when the new
   * deadline is already behind (the reminder is then dropped).
   */
  setAdmissible(contactId: string, id: number, day: string): Reminder | undefined | "unknown" {
    const row = this.db.select().from(ccfReminders).where(and(eq(ccfReminders.id, id), eq(ccfReminders.contactId, contactId))).get();
    if (!row) return "unknown";
    const filing: Filing = { ...this.#view(row).filing, admissibleOn: day };
    const next = nextReminder(filing, this.#today());
    if (!next) {
      this.db.delete(ccfReminders).where(eq(ccfReminders.id, id)).run();
      return undefined;
    }
    this.db.update(ccfReminders).set({ filing: this.vault.seal(contactId, filing, place(contactId)), stage: next.stage, dueDay: next.due, sending: false })
      .where(eq(ccfReminders.id, id)).run();
    return { id, contactId, filing, stage: next.stage, due: next.due };
  }

  /** Reminders due today or earlier and not yet being sent. */
  due(limit = 100): Reminder[] {
    return this.db.select().from(ccfReminders).where(and(lte(ccfReminders.dueDay, this.#today()), eq(ccfReminders.sending, false)))
      .orderBy(asc(ccfReminders.dueDay)).limit(limit).all().map((r) => this.#view(r));
  }

  /** Marks a reminder as going out; false if it was cancelled, changed or claimed meanwhile. */
  claim(r: Reminder): boolean {
    return this.db.update(ccfReminders).set({ sending: true })
      .where(and(eq(ccfReminders.id, r.id), eq(ccfReminders.stage, r.stage), eq(ccfReminders.dueDay, r.due), eq(ccfReminders.sending, false))).run().changes > 0;
  }

  /** Not sent after all (the messenger refused for now): it is tried again later. */
  unclaim(r: Reminder): void {
    this.db.update(ccfReminders).set({ sending: false }).where(eq(ccfReminders.id, r.id)).run();
  }

  /** Sent (or given up): on to the deadline reminder, or gone after it. */
  settle(r: Reminder): void {
    const next = r.stage === "week" ? nextReminder(r.filing, r.due, "week") : undefined;
    if (next) this.db.update(ccfReminders).set({ stage: next.stage, dueDay: next.due, sending: false }).where(eq(ccfReminders.id, r.id)).run();
    else this.db.delete(ccfReminders).where(eq(ccfReminders.id, r.id)).run();
  }

  /** After a crash: reminders that were going out are not sent again. Returns how many. */
  recover(): number {
    const rows = this.db.select().from(ccfReminders).where(eq(ccfReminders.sending, true)).all();
    for (const row of rows) this.settle(this.#view(row));
    return rows.length;
  }
}

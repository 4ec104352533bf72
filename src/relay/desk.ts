import type { i18n, TFunction } from "i18next";
import type { AuditLog } from "../audit/audit.js";
import { OUTCOMES, PERSON_AUTHOR, type Cases, type CaseView, type Outcome } from "../cases/cases.js";
import type { Address, Contact, Contacts } from "../contacts/contacts.js";
import { faqEntry } from "../faq/catalog.js";
import type { IntakeDrafts } from "../intake/drafts.js";
import { answered } from "../intake/questions.js";
import type { Logger } from "../log/logger.js";
import { BoundedMap } from "../cache/bounded-map.js";
import { pseudonymIn, type Staff, type StaffMember } from "../staff/staff.js";
import type { CarriedFile, Outbox, RelayPayload, Send } from "./outbox.js";

/** What a person or volunteer hands over: text, or a file in their chat. */
export type Carried = { text: string } | { file: CarriedFile };

export interface DeskOptions {
  caseDays: number;
  /** How often an urgent case is announced again while nobody takes it. */
  realertMs: number;
  /** The staff's own group, where urgent cases are announced too, and its language. */
  staffGroup?: { address: Address; language: string };
  /** The language for admins the bot has not met yet. */
  defaultLanguage: string;
  /** Cases a volunteer may hold at once. */
  maxOpen: number;
  /** Cases a volunteer may take in an hour. */
  maxTakesPerHour: number;
  /** Cases a volunteer may give back in a day before the admins are told (read, then released). */
  maxReleasesPerDay: number;
}

/** What the desk works with. */
export interface DeskParts {
  cases: Cases;
  staff: Staff;
  contacts: Contacts;
  drafts: IntakeDrafts;
  audit: AuditLog;
  outbox: Outbox;
  i18n: i18n;
  log: Logger;
  now?: () => number;
}

const key = (a: Address) => `${a.messenger}:${a.chatId}`;

/** Who an urgent case was announced to. */
export interface Alerted {
  volunteers: number;
  /** Admins told because no volunteer was on duty. */
  admins: number;
  group: boolean;
}

/**
 * The handoff between people and volunteers: the queue, claiming, closing,
 * and the relay both ways through the outbox. Every message is composed here
 * in the recipient's language and names the other side only by pseudonym or
 * case reference.
 */
export class HandoffDesk {
  #send: Send | undefined;
  /** Per urgent case, whom its last alert went to: what the person is told. */
  readonly #alerts = new BoundedMap<string, { at: number; volunteers: Set<string>; admins: Set<string>; group: Set<string> }>(1_000);

  private readonly cases: Cases;
  private readonly staff: Staff;
  private readonly contacts: Contacts;
  private readonly drafts: IntakeDrafts;
  private readonly audit: AuditLog;
  private readonly outbox: Outbox;
  private readonly i18n: i18n;
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(parts: DeskParts, private readonly options: DeskOptions) {
    ({ cases: this.cases, staff: this.staff, contacts: this.contacts, drafts: this.drafts, audit: this.audit, outbox: this.outbox, i18n: this.i18n, log: this.log } = parts);
    this.now = parts.now ?? Date.now;
  }

  #release: ((file: CarriedFile) => Promise<void>) | undefined;

  /** Set by the transports once they can deliver; `release` lets go of a file that could not be. */
  connect(send: Send, release?: (file: CarriedFile) => Promise<void>): void {
    this.#send = send;
    this.#release = release;
  }

  /** Delivers whatever is due; called after every enqueue and by a timer. */
  async kick(): Promise<void> {
    if (!this.#send) return;
    await this.outbox.flush(this.#send, { failed: (caseId, payload, reason) => this.#failed(caseId, payload, reason) });
  }

  #t(language: string): TFunction {
    return this.i18n.getFixedT(language);
  }

  #toPerson(c: CaseView, text: string): void {
    const person = this.contacts.byId(c.contactId);
    if (person) this.outbox.enqueue(c.id, { to: person.address, text, toPerson: true });
  }

  #toStaff(c: CaseView, member: StaffMember, text: string): void {
    this.outbox.enqueue(c.id, { to: member.address, text, toPerson: false });
  }

  #failed(caseId: string, payload: RelayPayload, reason: "deadline" | "unreachable" | "rejected"): void {
    // A file that will not be delivered is not kept in its messenger's store either.
    if (payload.file) void this.#release?.(payload.file).catch(() => undefined);
    const c = this.cases.byId(caseId);
    if (!c) return;
    if (reason === "unreachable" && payload.toPerson) {
      // The person blocked the bot or is gone: the chat ends, the volunteer is told.
      const member = c.volunteerId ? this.staff.byId(c.volunteerId) : undefined;
      this.cases.close(c.id, this.options.caseDays, "unreachable");
      if (member) {
        this.staff.leaveCase(member.id, c.id);
        this.#toStaff(c, member, this.#t(member.language)("relay.unreachable", { ref: c.ref }));
      }
      return;
    }
    // An alert that did not arrive no longer counts as one (see `alerted`).
    const alert = this.#alerts.get(caseId);
    if (alert && !payload.toPerson) for (const kind of [alert.volunteers, alert.admins, alert.group]) kind.delete(key(payload.to));
    if (payload.notify) this.outbox.enqueue(caseId, { to: payload.notify.to, text: this.#t(payload.notify.language)("relay.failed", { ref: c.ref }), toPerson: !payload.toPerson });
    this.log.warn({ reason }, "relay message given up");
  }

  /** Summary lines for volunteers: language, country and status; never who the person is. */
  describe(c: CaseView, t: TFunction): { language: string; country: string; status: string } {
    const a = c.summary.answers;
    const unknown = t("queue.unknown");
    const country = a.country === undefined ? unknown : t(`intake.choice.country.${a.country}`, { defaultValue: a.country });
    return {
      language: c.summary.language ? t(`language.names.${c.summary.language}`, { defaultValue: c.summary.language }) : unknown,
      country,
      status: a.status ? t(`intake.choice.status.${a.status}`) : unknown,
    };
  }

  /**
   * "Talk to a lawyer": opens the person's case or joins the open one, with
   * their intake so far. An urgent one is announced at once (to its volunteer,
   * if one has it); `alerted` then says whom the announcement reached.
   */
  requestHuman(contact: Contact, urgent: boolean): { case: CaseView; opened: boolean; volunteer?: StaffMember } {
    // A draft with no answer yet (the intake was only opened) has nothing to add to a case.
    const draft = this.drafts.load(contact.id)?.draft;
    const existing = this.cases.activeOf(contact.id);
    const summary = draft && answered(draft) ? { answers: draft.answers, language: contact.language } : existing ? undefined : { answers: {}, language: contact.language };
    const result = this.cases.openOrJoin(contact.id, summary, urgent);
    const volunteer = result.case.volunteerId ? this.staff.byId(result.case.volunteerId) : undefined;
    if (urgent && volunteer) {
      // The volunteer who has the case hears that it is urgent now.
      const t = this.#t(volunteer.language);
      this.#toStaff(result.case, volunteer, t("alert.urgent", { ref: result.case.ref, ...this.describe(result.case, t) }));
    } else if (urgent) {
      // A second tap within the re-alert interval does not ring everyone again.
      const last = this.#alerts.get(result.case.id);
      if (!last || this.now() - last.at >= this.options.realertMs) this.alertOnDuty(result.case);
    }
    return { ...result, volunteer };
  }

  /**
   * Who the last alert about a case reached: those it was sent to, less those
   * whose delivery has failed since. Undefined if none was sent.
   */
  alerted(caseId: string): Alerted | undefined {
    const sent = this.#alerts.get(caseId);
    return sent && { volunteers: sent.volunteers.size, admins: sent.admins.size, group: sent.group.size > 0 };
  }

  /**
   * Tells every on-duty volunteer about an urgent case, and the staff group if
   * there is one; with no volunteer on duty, the admins instead.
   */
  alertOnDuty(c: CaseView): void {
    const sent = { at: this.now(), volunteers: new Set<string>(), admins: new Set<string>(), group: new Set<string>() };
    const onDuty = this.staff.onDuty();
    for (const member of onDuty) {
      const t = this.#t(member.language);
      this.#toStaff(c, member, t("alert.urgent", { ref: c.ref, ...this.describe(c, t) }));
      sent.volunteers.add(key(member.address));
    }
    if (onDuty.length === 0) {
      // Only admins who have written to the bot: a messenger lets it write to no one else.
      for (const admin of this.staff.list().filter((m) => m.role === "admin")) {
        const t = this.#t(admin.language);
        this.outbox.enqueue(c.id, { to: admin.address, text: t("alert.urgent_nobody_on_duty", { ref: c.ref, ...this.describe(c, t) }), toPerson: false });
        sent.admins.add(key(admin.address));
      }
    }
    const group = this.options.staffGroup;
    if (group) {
      // Only what /queue shows; cases are taken in a private chat, where the role is checked.
      const t = this.#t(group.language);
      this.outbox.enqueue(c.id, { to: group.address, text: t("alert.urgent_group", { ref: c.ref, ...this.describe(c, t) }), toPerson: false });
      sent.group.add(key(group.address));
    }
    this.#alerts.set(c.id, sent);
    this.cases.markAlerted(c.id);
  }

  /** Announces again every urgent case still waiting since the last alert. */
  realert(): number {
    const due = this.cases.urgentToAlert(this.now() - this.options.realertMs);
    for (const c of due) this.alertOnDuty(c);
    return due.length;
  }

  /**
   * Claims a case. A volunteer holds at most `maxOpen` cases and takes at
   * most `maxTakesPerHour`: walking the queue to read it is refused, and the
   * admins are told.
   */
  take(member: StaffMember, ref: string): { result: "taken" | "taken_by_other" | "not_found" | "limit_open" | "limit_rate"; case?: CaseView; adminsTold?: number } {
    const c = this.cases.byRef(ref.trim());
    if (!c || c.status === "closed") return { result: "not_found" };
    if (c.volunteerId === member.id && c.status === "taken") {
      this.staff.setCurrentCase(member.id, c.id);
      // Shown the details again: every view is in the audit, not only the first.
      this.audit.record(member.pseudonym, "view", c.ref);
      return { result: "taken", case: c };
    }
    if (this.cases.ofVolunteer(member.id).length >= this.options.maxOpen) return { result: "limit_open" };
    if (this.audit.count(member.pseudonym, "take", this.now() - 60 * 60_000) >= this.options.maxTakesPerHour) {
      this.audit.record(member.pseudonym, "denied", c.ref);
      const adminsTold = this.#tellAdmins(c, member, "alert.take_limit", this.options.maxTakesPerHour);
      return { result: "limit_rate", adminsTold };
    }
    if (!this.cases.take(c.id, member.id)) return { result: "taken_by_other", case: c };
    this.staff.setCurrentCase(member.id, c.id);
    this.audit.record(member.pseudonym, "take", c.ref);
    const person = this.contacts.byId(c.contactId);
    if (person) this.#toPerson(c, this.#t(person.language)("relay.joined", { name: pseudonymIn(member.pseudonym, person.language) }));
    return { result: "taken", case: this.cases.byId(c.id) };
  }

  /** An admin reads any case (`/case`): audited like every view of case details. */
  viewCase(admin: StaffMember, ref: string): CaseView | undefined {
    const c = ref ? this.cases.byRef(ref.trim()) : undefined;
    if (c) this.audit.record(admin.pseudonym, "view", c.ref);
    return c;
  }

  /** The case the volunteer's messages go to, if they still hold it. */
  current(member: StaffMember): CaseView | undefined {
    if (!member.currentCaseId) return undefined;
    const c = this.cases.byId(member.currentCaseId);
    return c && c.status === "taken" && c.volunteerId === member.id ? c : undefined;
  }

  /** Tells every other admin about a volunteer's conduct; returns how many were told. */
  #tellAdmins(c: CaseView, member: StaffMember, key: string, max: number): number {
    const admins = this.staff.list().filter((m) => m.role === "admin" && m.id !== member.id);
    for (const admin of admins) {
      this.outbox.enqueue(c.id, { to: admin.address, text: this.#t(admin.language)(key, { name: member.pseudonym, max }), toPerson: false });
    }
    return admins.length;
  }

  /**
   * Gives the volunteer's current case back to the queue. Taking, reading and
   * giving back is how an insider would walk the queue within the take limit,
   * so past `maxReleasesPerDay` every release is reported to the admins.
   */
  release(member: StaffMember): CaseView | undefined {
    const c = this.current(member);
    if (!c || !this.cases.release(c.id, member.id)) return undefined;
    this.staff.setCurrentCase(member.id, null);
    this.audit.record(member.pseudonym, "release", c.ref);
    this.#volunteerLeft(c, member);
    if (this.audit.count(member.pseudonym, "release", this.now() - 24 * 60 * 60_000) > this.options.maxReleasesPerDay) {
      this.#tellAdmins(c, member, "alert.release_limit", this.options.maxReleasesPerDay);
    }
    return c;
  }

  /** Tells the person their volunteer no longer has the case, and that another will write. */
  #volunteerLeft(c: CaseView, member: StaffMember): void {
    const person = this.contacts.byId(c.contactId);
    if (person) this.#toPerson(c, this.#t(person.language)("relay.left", { name: pseudonymIn(member.pseudonym, person.language) }));
  }

  /**
   * Before a person's record is erased (/forget): a volunteer holding one of
   * their cases lets go of it and is told, and the audit keeps no reference to it.
   */
  forgetPerson(contact: Contact): void {
    for (const c of this.cases.ofContact(contact.id)) {
      const member = c.volunteerId ? this.staff.byId(c.volunteerId) : undefined;
      if (member && c.status === "taken") {
        this.staff.leaveCase(member.id, c.id);
        this.outbox.enqueue(c.id, { to: member.address, text: this.#t(member.language)("relay.person_forgot", { ref: c.ref }), toPerson: false });
      }
      this.audit.clearCase(c.ref);
    }
  }

  /**
   * Takes someone off the team: their cases go back to the queue, urgent ones
   * first and announced again, and each person is told a new volunteer will
   * continue. Returns how many cases went back.
   */
  remove(by: StaffMember, member: StaffMember): number {
    const returned = this.#returnCases(member);
    this.staff.remove(member.id);
    this.audit.record(by.pseudonym, by.id === member.id ? "leave" : "remove");
    return returned;
  }

  /** A volunteer leaves the team on their own: the same as being removed. */
  leave(member: StaffMember): number {
    return this.remove(member, member);
  }

  #returnCases(member: StaffMember): number {
    let returned = 0;
    for (const c of this.cases.ofVolunteer(member.id).sort((a, b) => Number(b.urgent) - Number(a.urgent))) {
      if (!this.cases.release(c.id, member.id)) continue;
      returned++;
      this.#volunteerLeft(c, member);
      if (c.urgent) this.alertOnDuty(c);
    }
    return returned;
  }

  close(member: StaffMember, outcome: string): { result: "closed" | "usage" | "none"; case?: CaseView } {
    if (!(OUTCOMES as readonly string[]).includes(outcome)) return { result: "usage" };
    const c = this.current(member);
    if (!c) return { result: "none" };
    this.cases.close(c.id, this.options.caseDays, outcome as Outcome, member.id);
    this.staff.setCurrentCase(member.id, null);
    this.audit.record(member.pseudonym, "close", c.ref);
    const person = this.contacts.byId(c.contactId);
    if (person) this.#toPerson(c, this.#t(person.language)("relay.closed", { ref: c.ref }));
    return { result: "closed", case: c };
  }

  note(member: StaffMember, text: string): CaseView | undefined {
    const c = this.current(member);
    if (!c) return undefined;
    this.cases.addNote(c, member.pseudonym, text);
    this.audit.record(member.pseudonym, "note", c.ref);
    return c;
  }

  /** A volunteer offers the person in their current case the CCF request kit; the person starts it with /kit. */
  offerKit(member: StaffMember): CaseView | undefined {
    const c = this.current(member);
    const person = c && this.contacts.byId(c.contactId);
    if (!c || !person) return undefined;
    this.#toPerson(c, this.i18n.getFixedT(person.language, "kit")("offer"));
    this.audit.record(member.pseudonym, "kit", c.ref);
    return c;
  }

  /**
   * The person adds their CCF draft to their open case: it is kept in the
   * case's notes, which the volunteer who takes it sees, and carried now to
   * the volunteer holding it, if any.
   */
  addFromPerson(contactId: string, text: string): CaseView | undefined {
    const c = this.cases.activeOf(contactId);
    if (!c) return undefined;
    this.cases.addNote(c, PERSON_AUTHOR, text);
    const holder = c.volunteerId ? this.staff.byId(c.volunteerId) : undefined;
    if (holder) this.#toStaff(c, holder, this.i18n.getFixedT(holder.language, "kit")("staff.added", { ref: c.ref, draft: text }));
    return c;
  }

  /** Whether the person at this address has a case that is not closed. */
  inCase(address: Address): boolean {
    const person = this.contacts.find(address);
    return person !== undefined && this.cases.activeOf(person.id) !== undefined;
  }

  /**
   * The person's safety number changed and messages to them are held: their
   * volunteer is told to confirm it with the person another way, then /trust.
   */
  safetyNumberHeld(address: Address): void {
    const person = this.contacts.find(address);
    const c = person && this.cases.activeOf(person.id);
    if (!c) return;
    this.audit.record("system", "held", c.ref);
    const member = c.volunteerId ? this.staff.byId(c.volunteerId) : undefined;
    if (member) this.#toStaff(c, member, this.#t(member.language)("alert.safety_number", { ref: c.ref }));
  }

  /** After /trust: the held messages go out, and the person learns why they waited. */
  safetyNumberConfirmed(member: StaffMember, c: CaseView): void {
    this.audit.record(member.pseudonym, "trust", c.ref);
    const person = this.contacts.byId(c.contactId);
    if (person) this.#toPerson(c, this.#t(person.language)("relay.safety_confirmed", { name: pseudonymIn(member.pseudonym, person.language) }));
    this.outbox.hurry(c.id);
  }

  /** Sends an FAQ answer, in the person's language, into the volunteer's current case. */
  faq(member: StaffMember, id: string, answer: (language: string) => string): "sent" | "none" | "unknown" {
    if (!faqEntry(id)) return "unknown";
    const c = this.current(member);
    if (!c) return "none";
    const person = this.contacts.byId(c.contactId);
    if (person) this.#toPerson(c, answer(person.language));
    return "sent";
  }

  /** Queues what one side wrote for the other: text under a header, or a header and the file. */
  #carry(c: CaseView, to: Address, toPerson: boolean, notify: RelayPayload["notify"], carried: Carried, header: { text: string; file: string }): "sent" {
    if ("text" in carried) {
      this.outbox.enqueue(c.id, { to, text: header.text, notify, toPerson });
      return "sent";
    }
    this.outbox.enqueue(c.id, { to, text: header.file, toPerson });
    this.outbox.enqueue(c.id, { to, file: carried.file, notify, toPerson });
    return "sent";
  }

  /** A volunteer's message into their current case. */
  fromVolunteer(member: StaffMember, carried: Carried): "sent" | "none" {
    const c = this.current(member);
    const person = c && this.contacts.byId(c.contactId);
    if (!c || !person) return "none";
    const t = this.#t(person.language);
    const name = pseudonymIn(member.pseudonym, person.language);
    return this.#carry(c, person.address, true, { to: member.address, language: member.language }, carried, {
      text: "text" in carried ? t("relay.from_volunteer", { name, text: carried.text }) : "",
      file: t("relay.file_from_volunteer", { name }),
    });
  }

  /** The case a person is chatting in with a volunteer, if any. */
  chatOf(contact: Contact): { case: CaseView; volunteer: StaffMember } | undefined {
    const live = this.cases.liveChat(contact.id);
    const c = live && this.cases.byId(live.id);
    const volunteer = live && this.staff.byId(live.volunteerId);
    return c && volunteer ? { case: c, volunteer } : undefined;
  }

  /** A person's message to the volunteer handling their case. */
  fromPerson(contact: Contact, carried: Carried): "sent" | "none" {
    const chat = this.chatOf(contact);
    if (!chat) return "none";
    const { case: c, volunteer } = chat;
    const t = this.#t(volunteer.language);
    return this.#carry(c, volunteer.address, false, { to: contact.address, language: contact.language }, carried, {
      text: "text" in carried ? t("relay.from_person", { ref: c.ref, text: carried.text }) : "",
      file: t("relay.file_from_person", { ref: c.ref }),
    });
  }

  /** The person ends the chat: the case goes back to the queue and the volunteer is told. */
  endChat(contact: Contact): CaseView | undefined {
    const chat = this.chatOf(contact);
    if (!chat) return undefined;
    const { case: c, volunteer } = chat;
    this.cases.release(c.id, volunteer.id);
    this.staff.leaveCase(volunteer.id, c.id);
    this.#toStaff(c, volunteer, this.#t(volunteer.language)("relay.person_ended", { ref: c.ref }));
    return c;
  }
}

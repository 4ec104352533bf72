import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addMonths, deadlineOf, nextReminder, parseDay } from "../src/ccf/deadlines.js";
import { sendDueReminders, startReminders } from "../src/bot/reminder-sender.js";
import { createI18n } from "../src/i18n/i18n.js";
import { purgeExpired } from "../src/retention/purge.js";
import type { MemoryUser } from "../src/transports/memory.js";
import { DeliveryError } from "../src/transports/virtual/types.js";
import { createTestDesk, type TestDesk } from "./helpers/runtime.js";

const i18n = await createI18n();
const en = i18n.getFixedT("en");
const ken = i18n.getFixedT("en", "kit");
const kru = i18n.getFixedT("ru", "kit");

const DAY = 24 * 60 * 60 * 1000;
let clock: number;
let desk: TestDesk;
beforeEach(async () => {
  clock = Date.parse("2026-12-01T10:00:00Z");
  desk = await createTestDesk({}, undefined, () => clock);
});
afterEach(() => desk.close());

async function consented(id: number, lang: "en" | "ru" = "en"): Promise<MemoryUser> {
  const t = i18n.getFixedT(lang);
  const person = desk.chat.user({ id, languageCode: lang });
  await person.send("/start");
  await person.press(t(`language.names.${lang}`));
  await person.press(t("privacy.agree"));
  return person;
}

/** "I have filed" from /reminders: the kind, the day (today unless typed), the admissibility day if typed. */
async function file(person: MemoryUser, kind: "access" | "deletion", filedOn?: string, admissible?: string, k = ken) {
  await person.send("/reminders");
  await person.press(k("reminders.add_button"));
  await person.press(k(`filed.kind.${kind}`));
  if (filedOn) await person.send(filedOn);
  else await person.press(k("filed.today"));
  return admissible ? await person.send(admissible) : await person.press(k("filed.not_yet"));
}

describe("CCF deadlines", () => {
  it("adds months as the calendar does, and counts from admissibility once known", () => {
    expect(addMonths("2027-01-31", 1)).toBe("2027-02-28");
    expect(addMonths("2027-10-31", 4)).toBe("2028-02-29");
    expect(addMonths("2026-12-01", 9)).toBe("2027-09-01");
    expect(deadlineOf({ kind: "access", filedOn: "2026-12-01" })).toBe("2027-04-01");
    expect(deadlineOf({ kind: "deletion", filedOn: "2026-12-01", admissibleOn: "2027-02-10" })).toBe("2027-11-10");
    expect(nextReminder({ kind: "access", filedOn: "2026-12-01" }, "2026-12-01")).toEqual({ stage: "week", due: "2027-03-25" });
    expect(nextReminder({ kind: "access", filedOn: "2026-12-01" }, "2027-03-28")).toEqual({ stage: "deadline", due: "2027-04-01" });
    expect(nextReminder({ kind: "access", filedOn: "2026-12-01" }, "2027-03-25", "week")).toEqual({ stage: "deadline", due: "2027-04-01" });
    expect(nextReminder({ kind: "access", filedOn: "2026-12-01" }, "2027-04-02")).toBeUndefined();
  });

  it("reads the dates people type, and nothing else", () => {
    expect(parseDay("2026-12-01")).toBe("2026-12-01");
    expect(parseDay("1.12.2026")).toBe("2026-12-01");
    expect(parseDay(" 01/12/2026 ")).toBe("2026-12-01");
    for (const bad of ["2026-02-30", "31.04.2026", "yesterday", "2026-13-01", "12/2026"]) expect(parseDay(bad), bad).toBeUndefined();
  });
});

describe("CCF reminders", () => {
  it("records a filed request, reminds a week before and on the deadline, each once, across a restart", async () => {
    let person = await consented(801);
    const [recorded] = await file(person, "access");
    expect(recorded!.text).toBe(ken("filed.recorded", {
      kind: ken("reminders.kind.access"), filed: "2026-12-01", deadline: "2027-04-01", months: 4, due: "2027-03-25", from: ken("filed.from_filed"),
    }));
    expect(desk.count("ccf_reminders")).toBe(1);
    // Only the day of the next reminder is in clear.
    const row = desk.runtime.store.sqlite.prepare("SELECT * FROM ccf_reminders").get() as Record<string, unknown>;
    expect(row).toMatchObject({ stage: "week", due_day: "2027-03-25", sending: 0 });
    expect(desk.fileBytes().includes(Buffer.from("2026-12-01"))).toBe(false);

    expect(await sendDueReminders(desk.runtime.deps)).toBe(0);
    clock = Date.parse("2027-03-25T08:00:00Z");
    expect(await sendDueReminders(desk.runtime.deps)).toBe(1);
    expect(person.last()!.text).toBe(ken("reminders.week", {
      kind: ken("reminders.kind.access"), filed: "2026-12-01", deadline: "2027-04-01", months: 4, from: ken("reminders.from_filed"),
    }));
    expect(person.buttons()).toEqual([en("faq.human"), en("menu.main")]);
    expect(await sendDueReminders(desk.runtime.deps)).toBe(0);

    desk = await desk.restart();
    person = desk.chat.user({ id: 801, languageCode: "en" });
    const stop = startReminders(desk.runtime.deps);
    stop();
    expect(await sendDueReminders(desk.runtime.deps)).toBe(0);
    expect(person.messages).toHaveLength(0);

    clock = Date.parse("2027-04-01T06:00:00Z");
    expect(await sendDueReminders(desk.runtime.deps)).toBe(1);
    expect(person.last()!.text).toContain(ken("reminders.deadline", {
      kind: ken("reminders.kind.access"), filed: "2026-12-01", deadline: "2027-04-01", months: 4, from: ken("reminders.from_filed"),
    }));
    expect(await sendDueReminders(desk.runtime.deps)).toBe(0);
    expect(desk.count("ccf_reminders")).toBe(0);
  });

  it("does not send again a reminder that was going out when the process stopped", async () => {
    await file(await consented(802), "deletion");
    clock = Date.parse("2027-08-25T08:00:00Z");
    const [due] = desk.runtime.deps.reminders.due();
    expect(due).toMatchObject({ stage: "week", due: "2027-08-25" });
    expect(desk.runtime.deps.reminders.claim(due!)).toBe(true);
    // The process dies here, between claiming and settling.
    desk = await desk.restart();
    const person = desk.chat.user({ id: 802, languageCode: "en" });
    startReminders(desk.runtime.deps)();
    expect(desk.logs.text).toContain("CCF reminders were going out at the last stop; not sent again");
    expect(await sendDueReminders(desk.runtime.deps)).toBe(0);
    expect(person.messages).toHaveLength(0);
    expect(desk.runtime.deps.reminders.list(desk.runtime.deps.contacts.idOf({ messenger: "memory", chatId: "802" })!)).toMatchObject([{ stage: "deadline", due: "2027-09-01" }]);
  });

  it("tries again later when the messenger says to wait, and gives up on a person who blocked the bot", async () => {
    const person = await consented(803);
    const other = await consented(804);
    await file(person, "access");
    await file(other, "access");
    clock = Date.parse("2027-03-25T08:00:00Z");
    desk.chat.failNext(803, new DeliveryError(429, "Too Many Requests: retry after 1", 1));
    desk.chat.failNext(804, new DeliveryError(403, "Forbidden: bot was blocked by the user"));
    const otherBefore = other.messages.length;
    expect(await sendDueReminders(desk.runtime.deps)).toBe(0);
    expect(await sendDueReminders(desk.runtime.deps)).toBe(1);
    expect(person.last()!.text).toContain(ken("reminders.kind.access"));
    // The blocked person's reminder was dropped, not tried again.
    expect(other.messages.length).toBe(otherBefore);
    expect(desk.runtime.deps.reminders.due()).toHaveLength(0);
  });

  it("lists, takes the admissibility day, cancels only one's own, and shows in /mydata", async () => {
    const person = await consented(805, "ru");
    clock = Date.parse("2027-01-20T10:00:00Z");
    await file(person, "deletion", "05.01.2027", undefined, kru);
    const [list] = await person.send("/reminders");
    expect(list!.text).toContain(kru("reminders.item", {
      n: 1, kind: kru("reminders.kind.deletion"), filed: "2027-01-05", deadline: "2027-10-05", from: kru("reminders.from_filed"), due: "2027-09-28",
    }));
    await person.press(kru("reminders.admissible_button", { n: 1 }));
    const [early] = await person.send("2027-01-01");
    expect(early!.text).toBe(kru("filed.bad_day"));
    const [updated] = await person.send("2027-01-15");
    expect(updated!.text).toBe(kru("reminders.updated", { deadline: "2027-10-15", due: "2027-10-08" }));
    const [data] = await person.send("/mydata");
    expect(data!.text).toContain(i18n.getFixedT("ru")("mydata.reminders", { count: 1 }));

    // Another person's button, forged, cancels nothing.
    const stranger = await consented(806);
    const id = (desk.runtime.store.sqlite.prepare("SELECT id FROM ccf_reminders").get() as { id: number }).id;
    const [refused] = await stranger.pressData(`rem:x:${id}`);
    expect(refused!.text).toBe(ken("reminders.unknown"));
    expect(desk.count("ccf_reminders")).toBe(1);

    // An admissibility day that puts a deletion request's nine months behind: the reminder goes, and says so.
    clock = Date.parse("2028-01-20T10:00:00Z");
    await person.send("/reminders");
    await person.press(kru("reminders.admissible_button", { n: 1 }));
    const [passed] = await person.send("2027-02-01");
    expect(passed!.text).toBe(kru("reminders.updated_passed", { deadline: "2027-11-01" }));
    expect(desk.count("ccf_reminders")).toBe(0);
    clock = Date.parse("2027-01-20T10:00:00Z");
    await file(person, "deletion", "05.01.2027", undefined, kru);

    await person.send("/reminders");
    const [cancelled] = await person.press(kru("reminders.cancel_button", { n: 1 }));
    expect(cancelled!.text).toBe(kru("reminders.cancelled"));
    expect(desk.count("ccf_reminders")).toBe(0);
    const [none] = await person.send("/reminders");
    expect(none!.text).toBe(kru("reminders.none"));
  });

  it("records nothing when the deadline is already behind, or the person stops", async () => {
    const person = await consented(807);
    const [passed] = await file(person, "access", "2025-01-10");
    expect(passed!.text).toBe(ken("filed.passed", { deadline: "2025-05-10" }));
    await person.send("/reminders");
    await person.press(ken("reminders.add_button"));
    const [future] = await person.press(ken("filed.kind.access")).then(() => person.send("2027-05-01"));
    expect(future!.text).toBe(ken("filed.bad_day"));
    const [stopped] = await person.send("/cancel");
    expect(stopped!.text).toBe(ken("filed.cancelled"));
    expect(desk.count("ccf_reminders")).toBe(0);
  });

  it("keeps a person waiting for a reminder past the idle retention, and /forget takes the reminders with everything else", async () => {
    const person = await consented(808);
    await file(person, "deletion");
    const idle = desk.config.RETENTION_IDLE_DAYS;
    expect(purgeExpired(desk.runtime.store, clock + (idle + 1) * DAY).contacts).toBe(0);
    expect(desk.contactCount()).toBe(1);
    await person.send("/forget");
    await person.press(en("forget.yes"));
    expect(desk.count("ccf_reminders")).toBe(0);
    expect(desk.contactCount()).toBe(0);
  });
});

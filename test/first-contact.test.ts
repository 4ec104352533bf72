import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FAQ_ENTRIES } from "../src/faq/catalog.js";
import { answerText } from "../src/bot/handlers/faq.js";
import { createI18n } from "../src/i18n/i18n.js";
import { LANGUAGES, type Language } from "../src/i18n/languages.js";
import { MemoryTransport, type MemoryUser } from "../src/transports/memory.js";
import { DeliveryError } from "../src/transports/virtual/types.js";
import { FAKE_TOKEN } from "./helpers/fake-telegram.js";
import { createTestDesk, type TestDesk } from "./helpers/runtime.js";

const i18n = await createI18n();
const t = (lang: Language) => i18n.getFixedT(lang);

/** The longest a message may be in the emergency path, and an answer anywhere: what fits a phone screen or two. */
const EMERGENCY_BUDGET = 700;
const ANSWER_BUDGET = 1200;

const DETAINED: Record<Language, string> = {
  en: "police are holding me at the airport right now because of interpol",
  ru: "меня сейчас держат в аэропорту из-за интерпола",
  be: "мяне зараз трымаюць у аэрапорце праз Інтэрпол",
};

const ADMIN = 900;
let desk: TestDesk;
afterEach(() => desk.close());

async function volunteer(telegram: MemoryTransport, id: number, onDuty: boolean): Promise<MemoryUser> {
  const admin = telegram.user({ id: ADMIN, languageCode: "en" });
  const [invite] = await admin.send("/invite");
  const code = /\/join (\w+)/.exec(invite!.text)![1]!;
  const member = telegram.user({ id, languageCode: "en" });
  await member.send(`/join ${code}`);
  if (onDuty) await member.send("/duty on");
  return member;
}

/** From "I'm detained" to the alert: what the person sees, message by message. */
async function detained(person: MemoryUser, lang: Language): Promise<{ checklist: string; status: string; messages: number }> {
  const before = person.messages.length;
  const [checklist, ...more] = await person.send(DETAINED[lang]);
  expect(more).toEqual([]);
  const replies = await person.press(t(lang)("emergency.handoff"));
  expect(replies).toHaveLength(1);
  return { checklist: checklist!.text, status: replies[0]!.text, messages: person.messages.length - before };
}

describe("the emergency path", () => {
  it("takes one tap and two short messages from 'I'm detained' to volunteers alerted, in every language, and says how many", async () => {
    desk = await createTestDesk({ ADMINS: `telegram:${ADMIN}` });
    const telegram = new MemoryTransport(desk.runtime.deps, "telegram");
    const onDuty = [await volunteer(telegram, 901, true), await volunteer(telegram, 902, true)];
    for (const [i, lang] of LANGUAGES.entries()) {
      const person = telegram.user({ id: 1000 + i });
      const { checklist, status, messages } = await detained(person, lang);
      expect(messages).toBe(2);
      expect(checklist).toContain(t(lang)("emergency.checklist"));
      expect(checklist).toContain(t(lang)("emergency.consent_line"));
      expect(checklist.length).toBeLessThanOrEqual(EMERGENCY_BUDGET);
      expect(status.length).toBeLessThanOrEqual(EMERGENCY_BUDGET);
      const ref = /\b[A-Z0-9]{3}-[A-Z0-9]{3}\b/.exec(status)![0];
      expect(status).toBe(`${t(lang)("handoff.alert_volunteers", { count: 2, ref })}\n\n${t(lang)("handoff.meanwhile")}`);
      // The checklist is not sent again, and the questionnaire is offered after the alert, not before.
      expect(status).not.toContain(t(lang)("emergency.checklist"));
      expect(person.last()!.buttons.flat().map((b) => b.text)).toContain(t(lang)("menu.intake"));
      for (const v of onDuty) expect(v.last()!.text).toContain(ref);
    }
    expect(desk.contactCount()).toBe(3);
  });

  it("with no volunteer on duty, alerts the admins and says so", async () => {
    desk = await createTestDesk({ ADMINS: `telegram:${ADMIN}` });
    const telegram = new MemoryTransport(desk.runtime.deps, "telegram");
    const admin = telegram.user({ id: ADMIN, languageCode: "en" });
    await admin.send("/help");
    await volunteer(telegram, 903, false);
    const person = telegram.user({ id: 2000, languageCode: "ru" });
    const { status } = await detained(person, "ru");
    const ref = /\b[A-Z0-9]{3}-[A-Z0-9]{3}\b/.exec(status)![0];
    expect(status).toBe(`${t("ru")("handoff.alert_admins", { count: 1, ref })}\n\n${t("ru")("handoff.meanwhile")}`);
    expect(admin.last()!.text).toContain(ref);
    expect(admin.last()!.text).toContain(`/take ${ref}`);
  });

  it("does not count an alert that did not arrive, nor ring everyone again on a second tap", async () => {
    desk = await createTestDesk({ ADMINS: `telegram:${ADMIN}` });
    const telegram = new MemoryTransport(desk.runtime.deps, "telegram");
    const admin = telegram.user({ id: ADMIN, languageCode: "en" });
    await admin.send("/help");
    // The only admin has blocked the bot: the alert to them fails.
    telegram.failNext(ADMIN, new DeliveryError(403, "Forbidden: bot was blocked by the user"));
    const person = telegram.user({ id: 2100, languageCode: "en" });
    const { status } = await detained(person, "en");
    const ref = /\b[A-Z0-9]{3}-[A-Z0-9]{3}\b/.exec(status)![0];
    expect(status).toBe(`${t("en")("handoff.alert_nobody", { ref })}\n\n${t("en")("handoff.meanwhile")}`);
    const onDuty = await volunteer(telegram, 2101, true);
    const before = onDuty.messages.length;
    await person.press(t("en")("emergency.handoff"));
    expect(onDuty.messages.length).toBe(before);
  });

  it("with only a staff group, posts there and says so", async () => {
    desk = await createTestDesk({ TELEGRAM_BOT_TOKEN: FAKE_TOKEN, STAFF_GROUP: "-100200300" });
    const telegram = new MemoryTransport(desk.runtime.deps, "telegram");
    const person = telegram.user({ id: 3000, languageCode: "be" });
    const { status } = await detained(person, "be");
    const ref = /\b[A-Z0-9]{3}-[A-Z0-9]{3}\b/.exec(status)![0];
    expect(status).toBe(`${t("be")("handoff.alert_group", { ref })}\n\n${t("be")("handoff.meanwhile")}`);
  });

  it("with nobody to alert, says so plainly instead of promising a reply", async () => {
    desk = await createTestDesk();
    const person = desk.chat.user({ id: 4000, languageCode: "en" });
    const { status } = await detained(person, "en");
    const ref = /\b[A-Z0-9]{3}-[A-Z0-9]{3}\b/.exec(status)![0];
    expect(status).toBe(`${t("en")("handoff.alert_nobody", { ref })}\n\n${t("en")("handoff.meanwhile")}`);
    expect(status).not.toMatch(/will write to you/);
  });

  it("puts the urgent button under the detention answer, and a forged urgent button stores nothing", async () => {
    desk = await createTestDesk();
    const person = desk.chat.user({ id: 5000, languageCode: "en" });
    const [answer] = await person.send("what should I do if they detain me at the airport");
    expect(answer!.text).toContain(t("en")("entries.emergency-detained-now.a", { ns: "faq" }));
    expect(answer!.buttons.flat().map((b) => b.text)).toContain(t("en")("emergency.handoff"));

    const stranger = desk.chat.user({ id: 5001, languageCode: "en" });
    const [notice] = await stranger.pressData("menu:urgent");
    expect(notice!.text).toContain(t("en")("emergency.consent_line"));
    expect(desk.contactCount()).toBe(0);
  });
});

describe("a first contact", () => {
  it("keeps the request through consent: declined, then accepted, the questionnaire starts", async () => {
    desk = await createTestDesk();
    const person = desk.chat.user({ id: 6000, languageCode: "en" });
    await person.send("how much does a ccf request cost");
    await person.press(t("en")("menu.main"));
    const [, notice] = await person.press(t("en")("menu.intake"));
    expect(notice!.buttons.flat().map((b) => b.text)).toContain(t("en")("privacy.agree"));
    const declined = await person.press(t("en")("privacy.decline"));
    expect(declined.map((m) => m.text)).toContain(t("en")("privacy.declined"));
    expect(desk.contactCount()).toBe(0);
    const [, again] = await person.press(t("en")("menu.intake"));
    expect(again!.buttons.flat().map((b) => b.text)).toContain(t("en")("privacy.agree"));
    const accepted = await person.press(t("en")("privacy.agree"));
    expect(accepted.at(-1)!.text).toBe(t("en")("intake.q.country"));
    expect(desk.contactCount()).toBe(1);
  });

  it("shows the notice with its buttons for /subscribe, then asks for the places", async () => {
    desk = await createTestDesk();
    const person = desk.chat.user({ id: 6001, languageCode: "en" });
    await person.send("hello");
    const [, notice] = await person.send("/subscribe");
    expect(notice!.buttons.flat().map((b) => b.text)).toEqual([t("en")("privacy.agree"), t("en")("privacy.decline")]);
    const replies = await person.press(t("en")("privacy.agree"));
    expect(replies.at(-1)!.text).toBe(t("en")("travel.choose"));
  });

  it("answers a first question at once in each language", async () => {
    desk = await createTestDesk();
    const questions: Record<Language, string> = { en: "how long does the ccf take to answer", ru: "сколько ждать ответа от ccf", be: "колькі чакаць адказу ад камісіі" };
    for (const [i, lang] of LANGUAGES.entries()) {
      const person = desk.chat.user({ id: 6100 + i });
      const replies = await person.send(questions[lang]);
      expect(replies).toHaveLength(1);
      expect(replies[0]!.text).toContain(t(lang)("entries.ccf-how-long.a", { ns: "faq" }));
      expect(replies[0]!.buttons.flat().map((b) => b.text)).toContain(t(lang)("language.current", { name: t(lang)(`language.names.${lang}`) }));
    }
    expect(desk.contactCount()).toBe(0);
  });

  it("greets a greeting in the person's language, with the menu", async () => {
    desk = await createTestDesk();
    const person = desk.chat.user({ id: 6002 });
    const [hello] = await person.send("добры вечар");
    expect(hello!.text).toBe(t("be")("smalltalk.greeting"));
    expect(hello!.buttons.flat().map((b) => b.text)).toContain(t("be")("menu.faq"));
  });

  it("answers a second request for a lawyer with where the case stands, and what to do next", async () => {
    desk = await createTestDesk();
    const person = desk.chat.user({ id: 6003, languageCode: "en" });
    await person.send("/start");
    await person.press("English");
    await person.press(t("en")("privacy.agree"));
    const [first] = await person.press(t("en")("menu.lawyer"));
    const ref = /\b[A-Z0-9]{3}-[A-Z0-9]{3}\b/.exec(first!.text)![0];
    const [second] = await person.press(t("en")("menu.lawyer"));
    expect(second!.text).toContain(t("en")("handoff.joined_existing", { ref }));
    expect(second!.buttons.flat().map((b) => b.text)).toEqual([t("en")("menu.intake"), t("en")("menu.main")]);
  });
});

describe("the message budget", () => {
  it("keeps every FAQ answer within what a phone shows, in every language, naming the CCF in full once at most", () => {
    const fullName: Record<Language, RegExp> = { en: /Commission for the Control of/g, ru: /Комисси\S* по контролю/g, be: /Камісі\S* па кантролі/g };
    for (const lang of LANGUAGES) {
      for (const entry of FAQ_ENTRIES) {
        const text = answerText(t(lang), entry.id);
        expect(text.length, `${lang} ${entry.id}`).toBeLessThanOrEqual(ANSWER_BUDGET);
        expect((text.match(fullName[lang]) ?? []).length, `${lang} ${entry.id}`).toBeLessThanOrEqual(1);
      }
    }
  });

  it("keeps every message of the everyday flows within it, in every language", async () => {
    desk = await createTestDesk();
    for (const [i, lang] of LANGUAGES.entries()) {
      const person = desk.chat.user({ id: 9000 + i, languageCode: lang });
      const seen = [
        ...(await person.send("/start")),
        ...(await person.press(t(lang)(`language.names.${lang}`))),
        ...(await person.press(t(lang)("privacy.agree"))),
        ...(await person.press(t(lang)("menu.faq"))),
        ...(await person.press(t(lang)("topics.ccf", { ns: "faq" }))),
        ...(await person.press(t(lang)("entries.ccf-how-long.q", { ns: "faq" }))),
        ...(await person.send("/menu")),
        ...(await person.press(t(lang)("menu.travel"))),
        ...(await person.send("/menu")),
        ...(await person.press(t(lang)("menu.lawyer"))),
        ...(await person.send("/mydata")),
        ...(await person.send("/privacy")),
        ...(await person.send("/help")),
        ...(await person.send("/sos")),
      ];
      // Each step got the reply it should, not an error: the walk went where it meant to.
      const texts = seen.map((m) => m.text);
      const tl = t(lang);
      for (const expected of [tl("privacy.notice", { intakeDays: 7, caseDays: 90, idleDays: 180, channel: tl("privacy.channel_telegram") }), tl("menu.title"), tl("faq.choose_topic"), tl("travel.choose"), tl("help.text")]) {
        expect(texts, expected.slice(0, 40)).toContain(expected);
      }
      expect(texts.some((x) => x.includes(tl("entries.ccf-how-long.a", { ns: "faq" })))).toBe(true);
      expect(texts.some((x) => x.startsWith(tl("mydata.title")))).toBe(true);
      expect(texts.some((x) => x.startsWith(tl("handoff.opened", { ref: "" }).slice(0, 20)))).toBe(true);
      expect(texts.at(-1)).toContain(tl("emergency.checklist"));
      expect(texts).not.toContain(tl("errors.generic"));
      for (const m of seen) expect(m.text.length, `${lang}: ${m.text.slice(0, 60)}`).toBeLessThanOrEqual(ANSWER_BUDGET);
      expect(seen.at(-1)!.text.length).toBeLessThanOrEqual(EMERGENCY_BUDGET);
    }
  });
});

describe("the smaller things people run into", () => {
  async function stored(id: number): Promise<MemoryUser> {
    const person = desk.chat.user({ id, languageCode: "en" });
    await person.send("/start");
    await person.press("English");
    await person.press(t("en")("privacy.agree"));
    return person;
  }

  it("makes 'All countries' exclusive of single countries, both ways", async () => {
    desk = await createTestDesk();
    const person = await stored(7000);
    await person.send("/subscribe");
    await person.pressData("sub:toggle:PL");
    await person.pressData("sub:toggle:LT");
    await person.pressData("sub:toggle:all");
    const [saved] = await person.pressData("sub:save");
    expect(saved!.text).toBe(t("en")("travel.saved", { places: t("en")("travel.all") }));
    await person.send("/subscribe");
    await person.pressData("sub:toggle:PL");
    const [again] = await person.pressData("sub:save");
    expect(again!.text).toBe(t("en")("travel.saved", { places: t("en")("travel.places.PL") }));
  });

  it("lists in /mydata only what exists: no empty questionnaire lines", async () => {
    desk = await createTestDesk();
    const person = await stored(7001);
    await person.press(t("en")("menu.lawyer"));
    const [shown] = await person.send("/mydata");
    expect(shown!.text).toContain(t("en")("mydata.title"));
    expect(shown!.text).not.toContain("—");
    expect(shown!.text).not.toContain(t("en")("intake.label.country"));
  });

  it("gives staff writing outside a case the staff help, never the language picker", async () => {
    desk = await createTestDesk({ ADMINS: `telegram:${ADMIN}` });
    const telegram = new MemoryTransport(desk.runtime.deps, "telegram");
    const helper = await volunteer(telegram, 7002, false);
    const [reply] = await helper.send("anyone around?");
    expect(reply!.text).toBe(t("en")("staff.outside_case"));
  });

  it("says 'not legal advice' once per answer", () => {
    for (const lang of LANGUAGES) {
      for (const entry of FAQ_ENTRIES) {
        const text = answerText(t(lang), entry.id);
        const footer = entry.disclaims ? t(lang)("faq.checked_only", { date: "2026-12" }) : t(lang)("faq.checked", { date: "2026-12" });
        expect(text.endsWith(footer), `${lang} ${entry.id}`).toBe(true);
      }
    }
    const talk = answerText(t("en"), "talk-to-human");
    expect(talk.match(/legal advice/gi)).toHaveLength(1);
  });
});

describe("emergency contacts the desk configures", () => {
  // Fictional: no such numbers exist (there is no country code 000).
  const file = {
    contacts: [
      { country: "any", name: "Desk hotline", phone: "+000 000 001", hours: "24/7" },
      { country: "PL", languages: ["ru", "be"], name: "Lawyer on call, Warsaw", phone: "+000 000 002", hours: "9–21", note: "Russian spoken" },
      { country: "LT", name: "Vilnius hotline", phone: "+000 000 003" },
    ],
  };

  async function withContacts(contents: unknown): Promise<TestDesk> {
    const path = join(mkdtempSync(join(tmpdir(), "nd-contacts-")), "contacts.json");
    writeFileSync(path, JSON.stringify(contents));
    return createTestDesk({ EMERGENCY_CONTACTS_FILE: path });
  }

  it("shows those for everywhere under the checklist and after the alert, when the person's country is not known", async () => {
    desk = await withContacts(file);
    const person = desk.chat.user({ id: 8000, languageCode: "ru" });
    await person.send(DETAINED.ru);
    const [list] = await person.press(t("ru")("contacts.button"));
    expect(list!.text.split("\n")[0]).toBe(t("ru")("contacts.title"));
    expect(list!.text).toContain("Desk hotline: +000 000 001 (24/7)");
    // A city's lawyer is no help elsewhere: without a country, only those for everywhere.
    expect(list!.text).not.toContain("Vilnius hotline");
    expect(list!.text).not.toContain("Warsaw");
    const [status] = await person.press(t("ru")("emergency.handoff"));
    expect(status!.text).toContain(t("ru")("contacts.title"));
    expect(status!.text).toContain("Desk hotline");
    expect(status!.text.length).toBeLessThanOrEqual(EMERGENCY_BUDGET);
  });

  it("puts the person's own country first once the questionnaire names it", async () => {
    desk = await withContacts(file);
    const person = desk.chat.user({ id: 8002, languageCode: "ru" });
    await person.send("/start");
    await person.press("Русский");
    await person.press(t("ru")("privacy.agree"));
    await person.press(t("ru")("menu.intake"));
    await person.press(t("ru")("intake.choice.country.PL"));
    const [list] = await person.pressData("sos:contacts");
    const lines = list!.text.split("\n");
    expect(lines[1]).toBe("• Lawyer on call, Warsaw: +000 000 002 (9–21) Russian spoken");
    expect(lines[2]).toBe("• Desk hotline: +000 000 001 (24/7)");
    expect(list!.text).not.toContain("Vilnius");
  });

  it("puts first the contacts of the country named in the emergency message", async () => {
    desk = await withContacts(file);
    const person = desk.chat.user({ id: 8003, languageCode: "ru" });
    await person.send("меня задержали на границе в Литве, что делать");
    const [list] = await person.pressData("sos:contacts");
    expect(list!.text.split("\n")[1]).toBe("• Vilnius hotline: +000 000 003");
    expect(list!.text).not.toContain("Warsaw");
  });

  it("says plainly that there are none when none are configured", async () => {
    desk = await createTestDesk();
    const person = desk.chat.user({ id: 8001, languageCode: "en" });
    await person.send("/sos");
    const [none] = await person.press(t("en")("contacts.button"));
    expect(none!.text).toBe(t("en")("contacts.none"));
  });

  it("refuses to start on a file with a wrong entry, naming the variable and the entry", async () => {
    await expect(withContacts({ contacts: [{ country: "Poland", name: "x", phone: "call me" }] })).rejects.toThrow(/EMERGENCY_CONTACTS_FILE: .*contacts\.0\.country.*contacts\.0\.phone/s);
    await expect(createTestDesk({ EMERGENCY_CONTACTS_FILE: "/nonexistent/contacts.json" })).rejects.toThrow(/EMERGENCY_CONTACTS_FILE: cannot be read/);
    // A field the format does not know is refused rather than ignored (a typo would hide a number).
    await expect(withContacts({ contacts: [{ country: "PL", name: "Hotline", phone: "+48 22 000 00 00", fax: "+48 22 000 00 01" }], extra: 1 }))
      .rejects.toThrow(/extra: is not a known field.*contacts\.0\.fax: is not a known field/s);
    await expect(withContacts({ contacts: [{ country: "PL", name: "  ", phone: "+48 22 000 00 00", languages: ["de"] }] }))
      .rejects.toThrow(/contacts\.0\.languages: must be one of .*contacts\.0\.name: must not be empty/s);
    await expect(withContacts({ people: [] })).rejects.toThrow(/contacts: must be a list/);
    desk = await createTestDesk();
  });
});

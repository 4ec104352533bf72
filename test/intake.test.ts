import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createI18n } from "../src/i18n/i18n.js";
import { LANGUAGES, type Language } from "../src/i18n/languages.js";
import type { MemoryUser } from "../src/transports/memory.js";
import { createTestDesk, type TestDesk } from "./helpers/runtime.js";

const i18n = await createI18n();
const T = (lang: Language) => i18n.getFixedT(lang);
const en = T("en");

let desk: TestDesk;
beforeEach(async () => {
  desk = await createTestDesk();
});
afterEach(() => desk.close());

async function consented(id: number, lang: Language, username?: string): Promise<MemoryUser> {
  const person = desk.chat.user({ id, languageCode: lang, username });
  await person.send("/start");
  await person.press(T(lang)(`language.names.${lang}`));
  await person.press(T(lang)("privacy.agree"));
  return person;
}

const lastText = (person: MemoryUser) => person.last()!.text;

/** From the charges question to the summary, in English, skipping the charges and travel by command. */
async function toSummary(person: MemoryUser, year: string, share: "yes" | "no"): Promise<void> {
  await person.send("/skip");
  await person.send(year);
  await person.send("/skip");
  await person.press(en("intake.choice.lawyerLanguage.en"));
  await person.press(en(`intake.choice.share.${share}`));
}

describe("the intake", () => {
  for (const lang of LANGUAGES) {
    it(`runs from start to case reference in ${lang}`, async () => {
      const t = T(lang);
      const person = await consented(100 + LANGUAGES.indexOf(lang), lang);
      const [intro, country] = await person.press(t("menu.intake"));
      expect(intro!.text).toBe(t("intake.start", { days: 7 }));
      expect(country!.text).toBe(t("intake.q.country"));
      await person.press(t("intake.choice.country.LT"));
      expect(lastText(person)).toBe(t("intake.q.status"));
      await person.press(t("intake.choice.status.refugee"));
      await person.press(t("intake.choice.knowledge.red-notice"));
      expect(lastText(person)).toBe(t("intake.q.charges"));
      await person.send("ст. 243 УК, уклонение от налогов");
      expect(lastText(person)).toBe(t("intake.q.yearLeft"));
      await person.send("2021");
      await person.press(t("intake.skip"));
      expect(lastText(person)).toBe(t("intake.q.lawyerLanguage"));
      await person.press(t(`intake.choice.lawyerLanguage.${lang}`));
      await person.press(t("intake.choice.share.yes"));
      const summary = lastText(person);
      expect(summary).toContain(t("intake.summary_title"));
      expect(summary).toContain(t("intake.choice.country.LT"));
      expect(summary).toContain("ст. 243 УК, уклонение от налогов");
      expect(summary).toContain("2021");
      const [done] = await person.press(t("intake.confirm"));
      const ref = /([A-Z0-9]{3}-[A-Z0-9]{3})/.exec(done!.text)?.[1];
      expect(ref).toBeDefined();
      expect(done!.text).toBe(t("intake.done", { ref }));
      expect(desk.count("cases")).toBe(1);
      expect(desk.count("intake_drafts")).toBe(0);
      const contactId = desk.runtime.deps.contacts.idOf({ messenger: "memory", chatId: String(person.user.id) })!;
      const [stored] = desk.runtime.deps.cases.ofContact(contactId);
      expect(stored).toMatchObject({ ref, status: "open", summary: { language: lang, answers: { country: "LT", status: "refugee", knowledge: "red-notice", yearLeft: 2021, travel: null, share: true } } });
    });
  }

  it("re-asks every invalid answer with a clear reason", async () => {
    const person = await consented(200, "en");
    await person.press(en("menu.intake"));
    // A country that cannot be a country.
    await person.send("12345 <script>");
    expect(lastText(person)).toBe(en("intake.q.country"));
    expect(person.messages.at(-2)!.text).toBe(en("intake.invalid.invalid"));
    await person.send("Montenegro");
    // A button step answered with text that is no button.
    await person.send("something else");
    expect(person.messages.at(-2)!.text).toBe(en("intake.invalid.buttons"));
    await person.press(en("intake.choice.status.none"));
    await person.press(en("intake.choice.knowledge.dont-know"));
    // A photo where text is expected.
    const base = desk.chat.updates.text(person.user, "x");
    const photo = { ...base, message: { ...base.message!, text: undefined, photo: [{ file_id: "f", file_unique_id: "u", width: 1, height: 1 }] } };
    await desk.chat.dispatch(person, photo);
    expect(person.messages.at(-2)!.text).toBe(en("intake.invalid.text_only"));
    // 5000 characters.
    await person.send("a".repeat(5000));
    expect(person.messages.at(-2)!.text).toBe(en("intake.invalid.too_long", { max: 300 }));
    await person.press(en("intake.skip"));
    // Impossible years.
    const year = new Date().getUTCFullYear();
    for (const bad of ["1985", String(year + 1), "twenty", "20211"]) {
      await person.send(bad);
      expect(person.messages.at(-2)!.text, bad).toBe(en("intake.invalid.year", { year }));
      expect(lastText(person)).toBe(en("intake.q.yearLeft"));
    }
    // Forged or stale intake buttons.
    await person.pressData("intake:choose:refugee");
    expect(person.messages.at(-2)!.text).toBe(en("errors.stale"));
    await person.pressData("intake:edit:country");
    expect(person.messages.at(-2)!.text).toBe(en("errors.stale"));
    await person.send(String(year));
    expect(lastText(person)).toBe(en("intake.q.travel"));
  });

  it("goes back, edits from the summary and cancels", async () => {
    const person = await consented(300, "en");
    await person.press(en("menu.intake"));
    await person.press(en("intake.choice.country.PL"));
    await person.press(en("intake.back"));
    expect(lastText(person)).toBe(en("intake.q.country"));
    await person.press(en("intake.choice.country.DE"));
    await person.press(en("intake.choice.status.asylum-pending"));
    await person.press(en("intake.choice.knowledge.diffusion"));
    await person.send("/skip");
    await person.send("2020");
    await person.send("Spain, March");
    await person.press(en("intake.choice.lawyerLanguage.any"));
    await person.press(en("intake.choice.share.no"));
    expect(lastText(person)).toContain(en("intake.choice.country.DE"));
    await person.press(en("intake.edit"));
    await person.press(en("intake.label.yearLeft"));
    expect(lastText(person)).toBe(en("intake.q.yearLeft"));
    await person.send("2022");
    expect(lastText(person)).toContain(`${en("intake.label.yearLeft")}: 2022`);
    const [cancelled] = await person.send("/cancel");
    expect(cancelled!.text).toBe(en("intake.cancelled"));
    expect(desk.count("intake_drafts")).toBe(0);
    expect(desk.count("cases")).toBe(0);
    // After cancelling, text is a question again.
    const [answer] = await person.send("how do I get a red notice deleted");
    expect(answer!.text).toContain(en("entries.ccf-deletion-request.a", { ns: "faq" }));
  });

  it("takes the country typed after “Other country”, and goes back from typing it to the question", async () => {
    const person = await consented(310, "en");
    await person.press(en("menu.intake"));
    const [prompt] = await person.press(en("intake.choice.country.other"));
    expect(prompt!.text).toBe(en("intake.other_country"));
    const [question] = await person.press(en("intake.back"));
    expect(question!.text).toBe(en("intake.q.country"));
    await person.press(en("intake.choice.country.other"));
    const [status] = await person.send("Montenegro");
    expect(status!.text).toBe(en("intake.q.status"));
    await person.press(en("intake.choice.status.none"));
    await person.press(en("intake.choice.knowledge.dont-know"));
    await toSummary(person, "2022", "no");
    expect(lastText(person)).toContain(`${en("intake.label.country")}: Montenegro`);
  });

  it("waits for a typed country across a restart, and says “start”, not “resume”, to someone who answered nothing yet", async () => {
    const person = await consented(315, "en");
    await person.press(en("menu.intake"));
    // Left before any answer: entering again starts, it does not "continue".
    await person.send("/menu");
    const [start, country] = await person.press(en("menu.intake"));
    expect(start!.text).toBe(en("intake.start", { days: 7 }));
    expect(country!.text).toBe(en("intake.q.country"));
    const [prompt] = await person.press(en("intake.choice.country.other"));
    expect(prompt!.text).toBe(en("intake.other_country"));

    desk = await desk.restart();
    const again = desk.chat.user({ id: 315, languageCode: "en" });
    const [status] = await again.send("Montenegro");
    expect(status!.text).toBe(en("intake.q.status"));
    for (const step of [en("intake.choice.status.none"), en("intake.choice.knowledge.dont-know")]) await again.press(step);
    await toSummary(again, "2022", "no");
    expect(lastText(again)).toContain(`${en("intake.label.country")}: Montenegro`);
    // The edit list is what follows "Edit", nothing after it.
    const list = await again.press(en("intake.edit"));
    expect(list.map((m) => m.text)).toEqual([en("intake.edit_which")]);
  });

  it("keeps a case's answers when the intake is opened again and left unanswered before asking for a lawyer", async () => {
    const person = await consented(316, "en");
    await person.press(en("menu.intake"));
    for (const choice of ["country.PL", "status.refugee", "knowledge.diffusion"]) await person.press(en(`intake.choice.${choice}`));
    await toSummary(person, "2021", "yes");
    await person.press(en("intake.confirm"));
    await person.press(en("menu.main"));
    await person.press(en("menu.intake"));
    await person.send("/menu");
    expect(desk.count("intake_drafts")).toBe(1);
    await person.press(en("menu.lawyer"));
    const contactId = desk.runtime.deps.contacts.idOf({ messenger: "memory", chatId: "316" })!;
    expect(desk.runtime.deps.cases.ofContact(contactId)).toMatchObject([{ summary: { answers: { country: "PL", status: "refugee", knowledge: "diffusion", yearLeft: 2021 } } }]);
  });

  it("lets an answer go after half an hour without one: the draft stays, and the menu resumes it", async () => {
    await desk.close();
    let clock = Date.now();
    desk = await createTestDesk({}, undefined, () => clock);
    const person = await consented(320, "en");
    await person.press(en("menu.intake"));
    await person.press(en("intake.choice.country.PL"));
    clock += 29 * 60_000;
    const [taken] = await person.press(en("intake.choice.status.refugee"));
    expect(taken!.text).toBe(en("intake.q.knowledge"));
    // A refused answer asks again, and the half hour starts again.
    clock += 20 * 60_000;
    const [refused, again] = await person.send("not sure");
    expect(refused!.text).toBe(en("intake.invalid.buttons"));
    expect(again!.text).toBe(en("intake.q.knowledge"));
    clock += 20 * 60_000;
    const [charges] = await person.press(en("intake.choice.knowledge.diffusion"));
    expect(charges!.text).toBe(en("intake.q.charges"));
    clock += 31 * 60_000;
    const late = await person.send("Art. 243");
    // Not taken as the charges: the rest of the desk answers it.
    expect(late.length).toBeGreaterThan(0);
    expect(late.map((m) => m.text)).not.toContain(en("intake.q.yearLeft"));
    expect(desk.count("intake_drafts")).toBe(1);
    const [resume, question] = await person.press(en("menu.intake"));
    expect(resume!.text).toBe(en("intake.resume"));
    expect(question!.text).toBe(en("intake.q.charges"));
    const [next] = await person.send("Art. 243");
    expect(next!.text).toBe(en("intake.q.yearLeft"));
  });

  it("writes the conversation's own state once, on entry, and never again at an answer", async () => {
    const person = await consented(330, "en");
    await person.press(en("menu.intake"));
    // Sealed with a fresh nonce at every write: bytes that stay the same were not written again.
    const stored = () => desk.runtime.store.sqlite.prepare("SELECT lookup, value FROM sessions ORDER BY lookup").all();
    const before = stored();
    expect(before.length).toBe(2);
    await person.press(en("intake.choice.country.other"));
    await person.send("Montenegro");
    await person.send("not a button");
    await person.press(en("intake.back"));
    await person.press(en("intake.choice.country.PL"));
    await person.press(en("intake.choice.status.refugee"));
    await person.press(en("intake.choice.knowledge.diffusion"));
    await person.send("Art. 243");
    expect(lastText(person)).toBe(en("intake.q.yearLeft"));
    expect(stored()).toEqual(before);
  });

  it("ends quietly a conversation an earlier version of the intake left stored, and resumes its draft from the menu", async () => {
    const person = await consented(340, "en");
    await person.press(en("menu.intake"));
    await person.press(en("intake.choice.country.PL"));
    const key = `conv:memory:${person.user.id}`;
    const { conversations } = desk.runtime.deps;
    const current = (await conversations.read(key))!;
    const [entered] = current.state.intake![0]!.replay.receive;
    // The log as the intake wrote it before its replies left the log: the first read returned the draft (none then).
    const message = { ok: true, res: { message_id: 2, date: 0, chat: { id: 340, type: "private" }, text: "" } };
    await conversations.write(key, {
      ...current,
      state: {
        intake: [{
          ...current.state.intake![0]!,
          interrupts: [7],
          replay: {
            send: ["wait", "external", "sendMessage", "external", "external", "sendMessage", "external", "wait"].map((payload) => ({ payload })),
            receive: [entered!, { send: 1, returnValue: { ok: true, ret: null } }, { send: 2, returnValue: message }, { send: 3, returnValue: { ok: true, ret: null } },
              { send: 4, returnValue: Date.now() }, { send: 5, returnValue: message }, { send: 6, returnValue: Date.now() }],
          },
        }],
      },
    });
    const replies = await person.pressData("intake:choose:refugee");
    expect(replies).toEqual([]);
    expect(person.notices.at(-1)).toBe(en("errors.stale"));
    expect(desk.logs.lines.some((l) => l.includes("handler failed"))).toBe(false);
    const [resume, question] = await person.press(en("menu.intake"));
    expect(resume!.text).toBe(en("intake.resume"));
    expect(question!.text).toBe(en("intake.q.status"));
  });

  it("keeps the draft when the person leaves for the menu, and resumes at the same step", async () => {
    const person = await consented(400, "ru");
    const ru = T("ru");
    await person.press(ru("menu.intake"));
    await person.press(ru("intake.choice.country.LV"));
    await person.send("/menu");
    expect(lastText(person)).toBe(ru("menu.title"));
    const [resume, question] = await person.press(ru("menu.intake"));
    expect(resume!.text).toBe(ru("intake.resume"));
    expect(question!.text).toBe(ru("intake.q.status"));
  });

  it("survives a restart mid-intake: a new application on the same file asks nothing twice", async () => {
    const person = await consented(500, "be");
    const be = T("be");
    await person.press(be("menu.intake"));
    await person.press(be("intake.choice.country.GE"));
    await person.press(be("intake.choice.status.subsidiary"));
    expect(lastText(person)).toBe(be("intake.q.knowledge"));

    desk = await desk.restart();
    const again = desk.chat.user({ id: 500, languageCode: "be" });
    // The buttons are on the message sent before the restart.
    const [next] = await again.pressData("intake:choose:extradition-refused");
    expect(next!.text).toBe(be("intake.q.charges"));
    await again.press(be("intake.skip"));
    await again.send("2023");
    await again.press(be("intake.skip"));
    await again.press(be("intake.choice.lawyerLanguage.be"));
    await again.press(be("intake.choice.share.yes"));
    const summary = lastText(again);
    expect(summary).toContain(be("intake.choice.country.GE"));
    expect(summary).toContain(be("intake.choice.status.subsidiary"));
  });

  it("goes on from the step the person last saw when a crash kept the answer but not the conversation's state", async () => {
    const person = await consented(510, "en");
    await person.press(en("menu.intake"));
    await person.press(en("intake.choice.country.LT"));
    const key = `conv:memory:${person.user.id}`;
    const { conversations } = desk.runtime.deps;
    const behind = await conversations.read(key);
    await person.press(en("intake.choice.status.refugee"));
    expect(lastText(person)).toBe(en("intake.q.knowledge"));
    // The draft (written before the reply) has the status; the conversation's own state, written after, is lost.
    await conversations.write(key, behind!);

    desk = await desk.restart();
    const again = desk.chat.user({ id: 510, languageCode: "en" });
    const [next] = await again.pressData("intake:choose:diffusion");
    expect(next!.text).toBe(en("intake.q.charges"));
    await again.send("Art. 342");
    await again.send("2021");
    await again.press(en("intake.skip"));
    await again.press(en("intake.choice.lawyerLanguage.en"));
    await again.press(en("intake.choice.share.no"));
    const summary = lastText(again);
    for (const part of ["country.LT", "status.refugee", "knowledge.diffusion"]) expect(summary).toContain(en(`intake.choice.${part}`));
    expect(summary).toContain("Art. 342");
  });

  it("is over after a crash lost only the conversation's record of the confirmation", async () => {
    const person = await consented(511, "en");
    await person.press(en("menu.intake"));
    await person.send("Montenegro");
    await person.press(en("intake.choice.status.none"));
    await person.press(en("intake.choice.knowledge.dont-know"));
    await person.press(en("intake.skip"));
    await person.send("2022");
    await person.press(en("intake.skip"));
    await person.press(en("intake.choice.lawyerLanguage.en"));
    await person.press(en("intake.choice.share.no"));
    expect(lastText(person)).toContain(en("intake.summary_title"));
    const key = `conv:memory:${person.user.id}`;
    const { conversations } = desk.runtime.deps;
    const atSummary = await conversations.read(key);
    await person.press(en("intake.confirm"));
    await conversations.write(key, atSummary!);

    desk = await desk.restart();
    const again = desk.chat.user({ id: 511, languageCode: "en" });
    const [answer] = await again.send("what is a red notice");
    expect(answer!.text).toContain(en("entries.what-is-red-notice.q", { ns: "faq" }));
    expect(desk.count("cases")).toBe(1);
  });

  it("leaves no answer, id or username readable in the database file or its log", async () => {
    const person = await consented(7_770_001, "en", "secret_handle");
    await person.press(en("menu.intake"));
    await person.send("Montenegro");
    await person.press(en("intake.choice.status.humanitarian-visa"));
    await person.press(en("intake.choice.knowledge.detained-before"));
    await person.send("Case 0419-XQ hooliganism");
    await person.send("2021");
    await person.send("Portugal in August");
    await person.press(en("intake.choice.lawyerLanguage.en"));
    await person.press(en("intake.choice.share.yes"));
    await person.press(en("intake.confirm"));
    const bytes = desk.fileBytes();
    expect(bytes.length).toBeGreaterThan(0);
    for (const secret of ["Montenegro", "0419-XQ", "hooliganism", "Portugal", "humanitarian", "7770001", "secret_handle"]) {
      expect(bytes.includes(Buffer.from(secret)), secret).toBe(false);
    }
  });
});

describe("/mydata and /forget", () => {
  for (const lang of LANGUAGES) {
    it(`show everything and erase everything in ${lang}`, async () => {
      const t = T(lang);
      const person = await consented(600 + LANGUAGES.indexOf(lang), lang);
      await person.press(t("menu.intake"));
      await person.press(t("intake.choice.country.PL"));
      await person.send("/mydata");
      const shown = lastText(person);
      expect(shown).toContain(t("mydata.title"));
      expect(shown).toContain(t("language.names." + lang));
      expect(shown).toContain(t("intake.choice.country.PL"));
      expect(shown).toContain(t("mydata.footer"));

      const sealed = desk.runtime.store.sqlite.prepare("SELECT wrapped_key AS k, profile AS p FROM contacts").get() as { k: Buffer; p: Buffer };
      const draft = (desk.runtime.store.sqlite.prepare("SELECT draft FROM intake_drafts").get() as { draft: Buffer }).draft;
      const [confirm] = await person.send("/forget");
      expect(confirm!.text).toBe(t("forget.confirm"));
      const [done] = await person.press(t("forget.yes"));
      expect(done!.text).toBe(t("forget.done"));
      for (const table of ["contacts", "sessions", "intake_drafts", "cases"]) expect(desk.count(table), table).toBe(0);
      const bytes = desk.fileBytes();
      for (const blob of [sealed.k, sealed.p, draft]) expect(bytes.includes(blob)).toBe(false);
      const [nothing] = await person.send("/mydata");
      expect(nothing!.text).toBe(t("forget.nothing"));
    });
  }
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { entriesOfTopic, trainingExamples } from "../src/faq/catalog.js";
import { DEFAULT_TUNING, QuestionMatcher } from "../src/faq/understand.js";
import { createI18n } from "../src/i18n/i18n.js";
import { createTestDesk, type TestDesk } from "./helpers/runtime.js";
import type { MemoryUser } from "../src/transports/memory.js";

const i18n = await createI18n();
const ru = i18n.getFixedT("ru");
const en = i18n.getFixedT("en");

let desk: TestDesk;
beforeEach(async () => {
  desk = await createTestDesk();
});
afterEach(() => desk.close());

async function onboarded(id: number, lang: "ru" | "en"): Promise<MemoryUser> {
  const person = desk.chat.user({ id, languageCode: lang });
  await person.send("/start");
  await person.press(lang === "ru" ? "Русский" : "English");
  await person.press(i18n.getFixedT(lang)("privacy.decline"));
  return person;
}

describe("FAQ in the chat", () => {
  it("browses topic → question → answer with its official link", async () => {
    const person = await onboarded(1, "en");
    const [topics] = await person.press(en("menu.faq"));
    expect(topics!.text).toBe(en("faq.choose_topic"));
    const [questions] = await person.press(en("topics.ccf", { ns: "faq" }));
    const ids = entriesOfTopic("ccf").map((e) => e.id);
    expect(questions!.buttons.flat().map((b) => b.data)).toEqual([...ids.map((id) => `faq:e:${id}`), "menu:faq"]);
    const [answer] = await person.press(en("entries.ccf-portal-how.q", { ns: "faq" }));
    expect(answer!.text).toContain(en("entries.ccf-portal-how.a", { ns: "faq" }));
    expect(answer!.text).toContain("https://www.interpol.int/en/Who-we-are/Commission-for-the-Control-of-INTERPOL-s-Files-CCF/How-to-submit-a-request");
    expect(answer!.text).toContain(en("faq.checked", { date: "2026-12" }));
    expect(answer!.buttons.flat().map((b) => b.text)).toContain(en("faq.human"));
  });

  it("answers free text in Russian typed in Latin letters, in the person's language", async () => {
    const person = await onboarded(2, "ru");
    const [answer] = await person.send("kak uznat est li ya v baze interpola");
    expect(answer!.text.startsWith(ru("entries.how-to-check-if-listed.q", { ns: "faq" }))).toBe(true);
    expect(answer!.text).toContain(ru("entries.how-to-check-if-listed.a", { ns: "faq" }));
  });

  it("answers a question with a typo, and offers a human", async () => {
    const person = await onboarded(3, "en");
    const [answer] = await person.send("refugee status and red notise deletion");
    expect(answer!.text.startsWith(en("entries.refugee-status-interpol.q", { ns: "faq" }))).toBe(true);
    expect(answer!.buttons.flat().map((b) => b.text)).toContain(en("faq.human"));
  });

  it("offers the close candidates as 'did you mean' when it is not sure, each answering when tapped", async () => {
    const person = await onboarded(6, "en");
    // A matcher that is never sure enough to answer outright: every answer becomes "did you mean".
    const deps = desk.runtime.deps;
    deps.faq = new QuestionMatcher(trainingExamples(deps.i18n), { ...DEFAULT_TUNING, sure: 1.01 });
    const text = "travel schengen risky countries";
    const u = deps.faq.understand(text);
    expect(u.purpose).toBe("faq");
    expect(u.alternatives.length).toBeGreaterThanOrEqual(1);
    const [question] = await person.send(text);
    expect(question!.text).toBe(en("faq.did_you_mean"));
    const offered = question!.buttons.flat().filter((b) => b.data?.startsWith("faq:e:"));
    expect(offered.map((b) => b.data)).toEqual([u.id!, ...u.alternatives].slice(0, 3).map((id) => `faq:e:${id}`));
    expect(offered.map((b) => b.text)).toEqual([u.id!, ...u.alternatives].slice(0, 3).map((id) => en(`entries.${id}.q`, { ns: "faq" })));
    const [answer] = await person.press(offered[1]!.text);
    expect(answer!.text).toContain(en(`entries.${u.alternatives[0]}.a`, { ns: "faq" }));
  });

  it("says in one line that it has no answer, and offers topics and a human instead of guessing", async () => {
    const person = await onboarded(4, "ru");
    for (const text of ["как приготовить борщ", "какая погода в варшаве завтра", "нет", "👍", "a".repeat(1000)]) {
      const [reply] = await person.send(text);
      expect(reply!.text, text).toBe(ru("faq.no_match"));
      expect(reply!.text.includes("\n")).toBe(false);
      expect(reply!.buttons.flat().map((b) => b.text)).toEqual([ru("faq.browse"), ru("menu.intake"), ru("faq.human")]);
    }
  });

  it("asks for a shorter question when a message is a letter rather than a question", async () => {
    const person = await onboarded(9, "en");
    const [reply] = await person.send("a".repeat(5000));
    expect(reply!.text).toBe(en("errors.too_long"));
    expect(reply!.buttons.flat().map((b) => b.text)).toContain(en("faq.human"));
  });

  it("answers small talk briefly in the person's language", async () => {
    const person = await onboarded(7, "ru");
    const [hello] = await person.send("привет");
    expect(hello!.text).toBe(ru("smalltalk.greeting"));
    expect(hello!.buttons.flat().map((b) => b.text)).toContain(ru("menu.faq"));
    const [thanks] = await person.send("спасибо большое");
    expect(thanks!.text).toBe(ru("smalltalk.thanks"));
    const [bye] = await person.send("всё, пока");
    expect(bye!.text).toBe(ru("smalltalk.goodbye"));
    const [scared] = await person.send("мне очень страшно");
    expect(scared!.text).toBe(ru("smalltalk.distress"));
    expect(scared!.buttons.flat().map((b) => b.text)).toEqual([ru("faq.human"), ru("menu.emergency")]);
  });

  it("answers the messages people really sent that the old matcher missed or got wrong", async () => {
    const person = await onboarded(8, "en");
    const answers: [string, string, "en" | "ru" | "be"][] = [
      ["I want my name taken off interpol's system, where do i even start", "ccf-deletion-request", "en"],
      ["Это платно вообще? Денег почти нет", "ccf-cost", "ru"],
      ["Пакліч, калі ласка, жывога чалавека, а не робата", "talk-to-human", "be"],
      ["if they grab me at an airport over a belarusian notice, how long can they keep me locked up?", "what-happens-after-detention", "en"],
      ["delete my data", "bot-delete-data", "en"],
      ["can interpol delete my notice", "ccf-deletion-request", "en"],
    ];
    // Each in the language it is written in: the person chose English, but a question in Russian gets a Russian answer.
    for (const [text, id, language] of answers) {
      const [reply] = await person.send(text);
      expect(reply!.text, text).toContain(i18n.getFixedT(language)(`entries.${id}.a`, { ns: "faq" }));
    }
    const [no] = await person.send("no");
    expect(no!.text).toBe(en("faq.no_match"));
    const [friend] = await person.send("my friend was detained in Poland, what happens to him now?");
    expect(friend!.text).not.toContain(en("emergency.checklist"));
    expect(friend!.text).toContain(en("entries.what-happens-after-detention.a", { ns: "faq" }));
  });

  it("treats forged, stale and unknown button data as stale, without answering", async () => {
    const person = await onboarded(5, "en");
    const before = person.messages.length;
    for (const data of ["faq:e:no-such-entry", "faq:t:nothing", "admin:ban:1", "lang:xx", "x".repeat(64), ""]) {
      await person.pressData(data);
    }
    const replies = person.messages.slice(before).map((m) => m.text);
    expect(replies.every((text) => text === en("errors.stale"))).toBe(true);
    expect(person.notices.filter((n) => n === en("errors.stale")).length + replies.length).toBe(6);
    // Malformed: the generic answer to unknown buttons. Well-formed but pointing nowhere: said in the chat.
    const noticesBefore = person.notices.length;
    await person.pressData("faq:more");
    expect(person.notices.slice(noticesBefore)).toEqual([en("errors.stale")]);
    const [nowhere] = await person.pressData("faq:more:999");
    expect(nowhere!.text).toBe(en("errors.stale"));
  });

  it("asks for text when it gets something else", async () => {
    const person = await onboarded(6, "en");
    const update = desk.chat.updates.text(person.user, "x");
    const sticker = { ...update, message: { ...update.message!, text: undefined, sticker: { file_id: "a", file_unique_id: "b", type: "regular", width: 1, height: 1, is_animated: false, is_video: false } } };
    const replies = await desk.chat.dispatch(person, sticker as never);
    expect(replies[0]!.text).toBe(en("errors.text_only"));
  });
});

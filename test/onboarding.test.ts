import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createI18n } from "../src/i18n/i18n.js";
import { LANGUAGES, type Language } from "../src/i18n/languages.js";
import { createTestDesk, type TestDesk } from "./helpers/runtime.js";

const i18n = await createI18n();
const t = (lang: Language) => i18n.getFixedT(lang);

let desk: TestDesk;
beforeEach(async () => {
  desk = await createTestDesk();
});
afterEach(() => desk.close());

describe("onboarding", () => {
  for (const lang of LANGUAGES) {
    it(`runs in ${lang}: language, privacy notice, consent, menu`, async () => {
      const person = desk.chat.user({ id: 1000 + LANGUAGES.indexOf(lang), languageCode: lang });
      const [choose] = await person.send("/start");
      expect(choose!.text).toBe(t(lang)("language.choose"));
      // The Telegram language is offered first.
      expect(choose!.buttons[0]![0]!.text).toBe(t(lang)(`language.names.${lang}`));

      const replies = await person.press(t(lang)(`language.names.${lang}`));
      expect(replies[0]!.text).toBe(t(lang)("language.set"));
      const notice = replies[1]!;
      expect(notice.text).toContain("Signal");
      expect(notice.text).toContain("/forget");
      expect(notice.text).toContain("180");
      expect(notice.text).toBe(t(lang)("privacy.notice", { intakeDays: 7, caseDays: 90, idleDays: 180, channel: t(lang)("privacy.channel_telegram") }));
      expect(desk.contactCount()).toBe(0);

      const after = await person.press(t(lang)("privacy.agree"));
      expect(after[0]!.text).toBe(t(lang)("privacy.agreed"));
      expect(desk.contactCount()).toBe(1);
      const menu = after.at(-1)!;
      expect(menu.text).toBe(t(lang)("menu.title"));
      const labels = menu.buttons.flat().map((b) => b.text);
      for (const item of ["faq", "intake", "lawyer", "travel", "language", "forget"]) {
        expect(labels).toContain(t(lang)(`menu.${item}`));
      }
    });
  }

  it("pre-selects the language from Telegram and falls back to the default for others", async () => {
    const [choose] = await desk.chat.user({ id: 7, languageCode: "de" }).send("/start");
    expect(choose!.buttons[0]![0]!.text).toBe("English");
    const [ru] = await desk.chat.user({ id: 8, languageCode: "ru-RU" }).send("/start");
    expect(ru!.buttons[0]![0]!.text).toBe("Русский");
  });

  it("stores nothing when consent is declined, and the FAQ still works", async () => {
    const person = desk.chat.user({ id: 555000111, languageCode: "ru" });
    await person.send("/start");
    await person.press("Русский");
    const [declined, menu] = await person.press(t("ru")("privacy.decline"));
    expect(declined!.text).toBe(t("ru")("privacy.declined"));
    expect(menu!.text).toBe(t("ru")("menu.title"));

    const [answer] = await person.send("как удалить красный циркуляр");
    expect(answer!.text).toContain(t("ru")("entries.ccf-deletion-request.q", { ns: "faq" }));
    await person.press(t("ru")("menu.main"));
    await person.press(t("ru")("menu.faq"));
    await person.press(t("ru")("topics.travel", { ns: "faq" }));

    expect(desk.contactCount()).toBe(0);
    desk.runtime.store.sqlite.pragma("wal_checkpoint(TRUNCATE)");
    const bytes = readFileSync(desk.config.DATABASE_PATH);
    expect(bytes.includes(Buffer.from("555000111"))).toBe(false);

    // Features that need storage ask for consent instead of storing silently.
    const replies = await person.press(t("ru")("menu.lawyer"));
    expect(replies[0]!.text).toBe(t("ru")("privacy.consent_needed"));
    expect(desk.contactCount()).toBe(0);
  });

  it("keeps the consenting person's id and language out of the database file", async () => {
    const person = desk.chat.user({ id: 987654321, languageCode: "be" });
    await person.send("/start");
    await person.press("Беларуская");
    await person.press(t("be")("privacy.agree"));
    desk.runtime.store.sqlite.pragma("wal_checkpoint(TRUNCATE)");
    const bytes = readFileSync(desk.config.DATABASE_PATH);
    expect(desk.contactCount()).toBe(1);
    expect(bytes.includes(Buffer.from("987654321"))).toBe(false);
    expect(bytes.includes(Buffer.from('"be"'))).toBe(false);
  });

  it("answers /language, /privacy, /help and /menu at any time", async () => {
    const person = desk.chat.user({ id: 9, languageCode: "en" });
    expect((await person.send("/help"))[0]!.text).toBe(t("en")("help.text"));
    expect((await person.send("/privacy"))[0]!.text).toContain("Signal");
    expect((await person.send("/menu"))[0]!.text).toBe(t("en")("menu.title"));
    await person.send("/start");
    await person.press("English");
    await person.press(t("en")("privacy.agree"));
    const [choose] = await person.send("/language");
    expect(choose!.text).toBe(t("en")("language.choose"));
    const [set, menu] = await person.press("Беларуская");
    expect(set!.text).toBe(t("be")("language.set"));
    expect(menu!.text).toBe(t("be")("menu.title"));
    // The choice is stored with the person, not only in the session.
    expect(desk.runtime.deps.contacts.find({ messenger: "memory", chatId: "9" })?.language).toBe("be");
  });

  it("answers a first message that is a question at once, in its language, with the language one tap from changing", async () => {
    const person = desk.chat.user({ id: 10, languageCode: "en" });
    const replies = await person.send("kak udalit red notice");
    expect(replies).toHaveLength(1);
    expect(replies[0]!.text).toContain(t("ru")("entries.ccf-deletion-request.a", { ns: "faq" }));
    const change = t("ru")("language.current", { name: "Русский" });
    expect(replies[0]!.buttons.flat().map((b) => b.text)).toContain(change);
    expect(desk.contactCount()).toBe(0);
    // Answered in a language, the person is never sent the picker unasked.
    const [next] = await person.send("сколько стоит обращение в ccf");
    expect(next!.text).toContain(t("ru")("entries.ccf-cost.a", { ns: "faq" }));
    const [picker] = await person.press(change);
    expect(picker!.text).toBe(t("ru")("language.choose"));
  });

  it("asks the language once when a first message gives nothing to tell it by, then answers", async () => {
    const person = desk.chat.user({ id: 12 });
    const [choose] = await person.send("ok");
    expect(choose!.text).toBe(t("en")("language.choose"));
    const [again] = await person.send("👍");
    expect(again!.text).not.toBe(t("en")("language.choose"));
    const [answer] = await person.send("сколько стоит обращение в ccf");
    expect(answer!.text).toContain(t("ru")("entries.ccf-cost.a", { ns: "faq" }));
  });

  it("answers someone who writes in another language than the chosen one in that language, and offers to switch", async () => {
    const person = desk.chat.user({ id: 13, languageCode: "en" });
    await person.send("/start");
    await person.press("English");
    await person.press(t("en")("privacy.decline"));
    const [answer] = await person.send("как удалить красный циркуляр интерпола");
    expect(answer!.text).toContain(t("ru")("entries.ccf-deletion-request.a", { ns: "faq" }));
    const offer = t("ru")("language.switch", { name: "Русский" });
    expect(answer!.buttons.flat().map((b) => b.text)).toContain(offer);
    const [switched] = await person.press(offer);
    expect(switched!.text).toBe(t("ru")("language.set"));
    const [next] = await person.send("what does it cost");
    expect(next!.text).toContain(t("en")("entries.ccf-cost.a", { ns: "faq" }));
  });

  it("answers every main menu entry", async () => {
    const person = desk.chat.user({ id: 11, languageCode: "en" });
    await person.send("/start");
    await person.press("English");
    await person.press(t("en")("privacy.agree"));
    const expected: Record<string, string> = {
      faq: t("en")("faq.choose_topic"),
      travel: t("en")("travel.choose"),
      language: t("en")("language.choose"),
      forget: t("en")("forget.confirm"),
    };
    for (const [item, text] of Object.entries(expected)) {
      await person.send("/menu");
      const [reply] = await person.press(t("en")(`menu.${item}`));
      expect(reply!.text, item).toBe(text);
    }
    await person.send("/menu");
    const [opened] = await person.press(t("en")("menu.lawyer"));
    expect(opened!.text).toMatch(/[A-Z0-9]{3}-[A-Z0-9]{3}/);
  });

  it("erases a consenting person after one confirmation", async () => {
    const person = desk.chat.user({ id: 12, languageCode: "en" });
    await person.send("/start");
    await person.press("English");
    await person.press(t("en")("privacy.agree"));
    expect(desk.contactCount()).toBe(1);
    const [confirm] = await person.send("/forget");
    expect(confirm!.text).toBe(t("en")("forget.confirm"));
    expect(desk.contactCount()).toBe(1);
    const [done] = await person.press(t("en")("forget.yes"));
    expect(done!.text).toBe(t("en")("forget.done"));
    expect(desk.contactCount()).toBe(0);
    const [restart] = await person.send("/start");
    expect(restart!.text).toBe(t("en")("language.choose"));
  });
});

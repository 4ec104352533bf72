import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createI18n } from "../src/i18n/i18n.js";
import { createTestDesk, type TestDesk } from "./helpers/runtime.js";

const i18n = await createI18n();
const checklist = (lang: "be" | "ru" | "en") => i18n.getFixedT(lang)("emergency.checklist");

let desk: TestDesk;
beforeEach(async () => {
  desk = await createTestDesk();
});
afterEach(() => desk.close());

describe("telling a live detention from talk about one", () => {
  const purpose = (text: string) => desk.runtime.deps.faq.understand(text).purpose;

  it("raises the alarm for the writer held now, in every language and in Latin letters", () => {
    for (const text of ["I was detained at the border", "police stopped me at passport control, they say interpol", "меня задержали", "меня сейчас держат в аэропорту", "мяне затрымалі на мяжы", "паліцыя мяне трымае", "zaderzhali v aeroportu pomogite", "zatrzymali mnie na granicy"]) {
      expect(purpose(text), text).toBe("emergency");
    }
  });

  it("answers from the FAQ, without an alarm, about someone else, the past or a 'what if'", () => {
    for (const text of ["my friend was detained in Poland, what happens now?", "what if I get detained at the airport", "брата задержали в Литве вчера, что будет дальше", "калі мяне затрымаюць, што рабіць", "I was detained in 2022 in Lithuania and released, can it happen again?", "What happens after detention?"]) {
      expect(purpose(text), text).not.toBe("emergency");
    }
  });
});

describe("the emergency path", () => {
  it("interrupts the middle of the menu with the checklist in the person's language, then offers a lawyer", async () => {
    const person = desk.chat.user({ id: 1, languageCode: "be" });
    await person.send("/start");
    await person.press("Беларуская");
    await person.press(i18n.getFixedT("be")("privacy.agree"));
    await person.press(i18n.getFixedT("be")("menu.faq"));
    await person.press(i18n.getFixedT("be")("topics.travel", { ns: "faq" }));
    const [reply] = await person.send("мяне затрымалі на мяжы");
    expect(reply!.text).toContain(checklist("be"));
    expect(reply!.buttons.flat().map((b) => b.text)).toContain(i18n.getFixedT("be")("emergency.handoff"));
  });

  it("answers before any onboarding, in the language of the message", async () => {
    const person = desk.chat.user({ id: 2 });
    const [reply] = await person.send("задержали в аэропорту");
    expect(reply!.text).toContain(checklist("ru"));
    const ru = desk.chat.user({ id: 3, languageCode: "ru" });
    const [reply2] = await ru.send("меня задержали");
    expect(reply2!.text).toContain(checklist("ru"));
    expect(desk.contactCount()).toBe(0);
  });

  it("is reachable from the menu button and /sos", async () => {
    const person = desk.chat.user({ id: 4, languageCode: "en" });
    const [menu] = await person.send("/menu");
    expect(menu!.buttons.flat().map((b) => b.text)).toContain(i18n.getFixedT("en")("menu.emergency"));
    const [viaButton] = await person.press(i18n.getFixedT("en")("menu.emergency"));
    expect(viaButton!.text).toContain(checklist("en"));
    const [viaCommand] = await person.send("/sos");
    expect(viaCommand!.text).toContain(checklist("en"));
  });

  it("keeps related answers one tap away", async () => {
    const person = desk.chat.user({ id: 5, languageCode: "en" });
    await person.send("/start");
    await person.press("English");
    await person.press(i18n.getFixedT("en")("privacy.decline"));
    const [reply] = await person.send("I am detained at the border on a red notice, what happens now");
    expect(reply!.text).toContain(checklist("en"));
    const [related] = await person.press(i18n.getFixedT("en")("emergency.related"));
    expect(related!.buttons.flat().some((b) => b.data?.startsWith("faq:e:"))).toBe(true);
  });
});

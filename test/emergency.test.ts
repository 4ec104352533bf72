import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isEmergency } from "../src/emergency/detect.js";
import { createI18n } from "../src/i18n/i18n.js";
import { createTestDesk, type TestDesk } from "./helpers/runtime.js";

const i18n = await createI18n();
const checklist = (lang: "be" | "ru" | "en") => i18n.getFixedT(lang)("emergency.checklist");

let desk: TestDesk;
beforeEach(async () => {
  desk = await createTestDesk();
});
afterEach(() => desk.close());

describe("emergency keywords", () => {
  it("recognises detention in every language and in Latin letters", () => {
    for (const text of ["I was detained at the border", "arrested at the border", "меня задержали", "задержан в аэропорту", "мяне затрымалі на мяжы", "zaderzhali v aeroportu", "арыштавалі брата", "zatrzymali mnie", "police stopped me at the border"]) {
      expect(isEmergency(text), text).toBe(true);
    }
  });

  it("does not take general questions for emergencies", () => {
    for (const text of ["What happens after detention?", "как удалить red notice", "travel to Romania", "привет"]) {
      expect(isEmergency(text), text).toBe(false);
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
    expect(reply!.text).toContain(checklist("en"));
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
    const [reply] = await person.send("my brother was detained at the border on a red notice, what happens now");
    expect(reply!.text).toContain(checklist("en"));
    const [related] = await person.press(i18n.getFixedT("en")("emergency.related"));
    expect(related!.buttons.flat().some((b) => b.data?.startsWith("faq:e:"))).toBe(true);
  });
});

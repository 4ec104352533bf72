import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createI18n } from "../src/i18n/i18n.js";
import { createTestDesk, type TestDesk } from "./helpers/runtime.js";

const i18n = await createI18n();

let desk: TestDesk;
beforeEach(async () => {
  desk = await createTestDesk({ FLOOD_LIMIT: "5", FLOOD_WINDOW_SECONDS: "10" });
});
afterEach(() => desk.close());

describe("floods", () => {
  it("answers a flooding person once, politely and in their language, then ignores them; others are served", async () => {
    const flooder = desk.chat.user({ id: 1, languageCode: "ru" });
    const other = desk.chat.user({ id: 2, languageCode: "en" });
    const replies: string[] = [];
    for (let i = 0; i < 200; i++) replies.push(...(await flooder.send(`kak udalit red notice ${i}`)).map((m) => m.text));
    const ru = i18n.getFixedT("ru");
    // The first five are answered as usual, then one notice, then silence.
    const deletion = ru("entries.ccf-deletion-request.a", { ns: "faq" });
    expect(replies).toHaveLength(6);
    for (const reply of replies.slice(0, 5)) expect(reply).toContain(deletion);
    expect(replies[5]).toBe(ru("errors.flood"));
    const [answer] = await other.send("/help");
    expect(answer!.text).toBe(i18n.getFixedT("en")("help.text"));
  });
});

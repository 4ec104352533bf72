import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createI18n } from "../src/i18n/i18n.js";
import { createTestDesk, type TestDesk } from "./helpers/runtime.js";

const en = (await createI18n()).getFixedT("en");

let desk: TestDesk;
beforeEach(async () => {
  desk = await createTestDesk({ LOG_LEVEL: "trace" });
});
afterEach(() => desk.close());

describe("logs", () => {
  it("contain no message text, ids, names or keys, even when a handler throws", async () => {
    const secretText = "my passport number is XK1234567";
    const id = 880055535;
    const person = desk.chat.user({ id, firstName: "Aliaksandra", languageCode: "en" });
    await person.send("/start");
    await person.press("English");
    await person.press(en("privacy.agree"));
    await person.send(secretText);
    await person.send("меня задержали");

    // A handler that fails on this person's text, quoting it in the error.
    const faq = desk.runtime.deps.faq;
    const original = faq.understand.bind(faq);
    faq.understand = (text: string) => {
      throw new Error(`cannot match ${text} for ${id}`);
    };
    const [reply] = await person.send(secretText);
    faq.understand = original;
    expect(reply!.text).toBe(en("errors.generic"));

    const logs = desk.logs.text;
    expect(logs).toContain("handler failed");
    for (const forbidden of [secretText, "XK1234567", String(id), "Aliaksandra", "задержали", desk.config.MASTER_KEY!]) {
      expect(logs).not.toContain(forbidden);
    }
  });

  it("redacts whole updates passed to the logger by mistake", () => {
    const update = desk.chat.updates.text({ id: 31337, firstName: "Secret" }, "private words");
    desk.runtime.deps.log.info({ update, message: update.message, text: "private words", chat: { id: 31337 } }, "oops");
    // Also deep down, under fields no one thought of.
    const failure = Object.assign(new Error("could not send private words"), { description: "private words", payload: { text: "private words" } });
    desk.runtime.deps.log.warn({ job: { context: { request: { body: update } }, failure }, people: [{ person: { from: update.message!.from } }] }, "deep");
    expect(desk.logs.text).toContain("oops");
    expect(desk.logs.text).toContain("deep");
    for (const forbidden of ["private words", "31337", "Secret"]) expect(desk.logs.text).not.toContain(forbidden);
  });
});

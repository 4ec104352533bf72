import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createI18n } from "../src/i18n/i18n.js";
import { purgeExpired } from "../src/retention/purge.js";
import { createTestDesk, type TestDesk } from "./helpers/runtime.js";

const i18n = await createI18n();
const en = i18n.getFixedT("en");
const DAY = 24 * 60 * 60 * 1000;

let desk: TestDesk;
let clock: number;
beforeEach(async () => {
  clock = Date.UTC(2026, 11, 1, 12);
  desk = await createTestDesk({}, undefined, () => clock);
});
afterEach(() => desk.close());

async function consentedMidIntake(id: number) {
  const person = desk.chat.user({ id, languageCode: "en", username: "night_owl_77", firstName: "Aliaksandra" });
  await person.send("/start");
  await person.press(en("language.names.en"));
  await person.press(en("privacy.agree"));
  await person.press(en("menu.intake"));
  await person.press(en("intake.choice.country.PL"));
  return person;
}

describe("retention of everything personal", () => {
  it("keeps a conversation's replay state without names, and only as long as an unfinished intake", async () => {
    await consentedMidIntake(501);
    const restarted = await desk.restart();
    desk = restarted;
    const state = await desk.runtime.deps.conversations.read("conv:memory:501");
    const json = JSON.stringify(state);
    // The state is there (the intake goes on after a restart) but names and usernames are not.
    expect(json).toContain("intake");
    expect(json).not.toContain("Aliaksandra");
    expect(json).not.toContain("night_owl_77");
    const rows = desk.runtime.store.sqlite.prepare("SELECT expires_at AS at FROM sessions").all() as { at: number }[];
    const expiries = rows.map((r) => Math.round((r.at - clock) / DAY)).sort((a, b) => a - b);
    expect(expiries).toEqual([desk.config.RETENTION_INTAKE_DAYS, desk.config.RETENTION_IDLE_DAYS]);
  });

  it("writes a conversation's state again only when what it keeps changed, and tells whether one is held without reading it", async () => {
    await consentedMidIntake(504);
    const store = desk.runtime.deps.conversations;
    const key = "conv:memory:504";
    const stored = () => (desk.runtime.store.sqlite.prepare("SELECT value FROM sessions ORDER BY value").all() as { value: Buffer }[])
      .map((r) => r.value.toString("hex")).join();
    const state = await store.read(key);
    expect(await store.has(key)).toBe(true);
    const before = stored();
    // Written back as read: nothing is sealed and written again (each sealing has a fresh nonce).
    await store.write(key, state!);
    expect(stored()).toBe(before);
    // A name that the scrubbing takes out changes nothing stored either, the first time or the next.
    const named = JSON.parse(JSON.stringify(state).replace(/"first_name":"-"/, '"first_name":"Aliaksandra"')) as typeof state;
    expect(JSON.stringify(named)).toContain("Aliaksandra");
    await store.write(key, named!);
    await store.write(key, named!);
    expect(stored()).toBe(before);
    // A real change is written, scrubbed.
    const changed = JSON.parse(JSON.stringify(named).replace('"intake"', '"intake "')) as typeof state;
    await store.write(key, changed!);
    expect(stored()).not.toBe(before);
    await desk.restart().then((d) => (desk = d));
    const again = JSON.stringify(await desk.runtime.deps.conversations.read(key));
    expect(again).toContain('"intake "');
    expect(again).not.toContain("Aliaksandra");
    await desk.runtime.deps.conversations.delete(key);
    expect(await desk.runtime.deps.conversations.has(key)).toBe(false);
    expect(await desk.runtime.deps.conversations.has("conv:memory:999")).toBe(false);
  });

  it("lists in /mydata every kind of record held: notes count, travel warnings, chat state", async () => {
    const person = await consentedMidIntake(502);
    await person.send("/cancel");
    await person.send("/subscribe");
    await person.press(en("travel.places.LT"));
    await person.press(en("travel.save"));
    const [mine] = await person.send("/mydata");
    expect(mine!.text).toContain(en("mydata.subscription", { places: en("travel.places.LT") }).split(":")[0]!);
    expect(mine!.text).toContain(en("travel.places.LT"));
    expect(mine!.text).toMatch(new RegExp(en("mydata.state", { until: "\\d{4}-\\d{2}-\\d{2}" }).replace(/[().]/g, "\\$&")));
  });

  it("keeps only the day of consent and of closing, where the hour serves nothing", async () => {
    clock += 7 * 60 * 60 * 1000 + 123;
    await consentedMidIntake(503);
    const row = desk.runtime.store.sqlite.prepare("SELECT consent_at AS c, last_seen_at AS s FROM contacts").get() as { c: number; s: number };
    expect(row.c % DAY).toBe(0);
    expect(row.s % DAY).toBe(0);
  });

  it("deletes audit rows after their own retention", () => {
    const { audit } = desk.runtime.deps;
    audit.record("Anna", "take", "AAA-AAA");
    clock += (desk.config.RETENTION_AUDIT_DAYS + 1) * DAY;
    audit.record("Anna", "close", "AAA-AAA");
    expect(purgeExpired(desk.runtime.store, clock, desk.config.RETENTION_AUDIT_DAYS).audit).toBe(1);
    expect(audit.latest().map((e) => e.action)).toEqual(["close"]);
  });
});

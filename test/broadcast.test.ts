import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { covers } from "../src/broadcast/regions.js";
import { Pacer, pacingGrain } from "../src/broadcast/runner.js";
import { startBroadcasting } from "../src/bot/broadcast-sender.js";
import { createI18n } from "../src/i18n/i18n.js";
import { LANGUAGES } from "../src/i18n/languages.js";
import { MemoryTransport, type MemoryUser } from "../src/transports/memory.js";
import { DeliveryError } from "../src/transports/virtual/types.js";
import { createTestDesk, type TestDesk } from "./helpers/runtime.js";
import { until } from "./helpers/signal-person.js";

const i18n = await createI18n();
const T = (l: string) => i18n.getFixedT(l);
const en = T("en");

const ADMIN = 800;
let desk: TestDesk;
let telegram: MemoryTransport;
let signal: MemoryTransport;

beforeEach(async () => {
  desk = await createTestDesk({ ADMINS: `telegram:${ADMIN}`, BROADCAST_TELEGRAM_PER_SECOND: "200", BROADCAST_SIGNAL_PER_SECOND: "200" });
  telegram = new MemoryTransport(desk.runtime.deps, "telegram");
  signal = new MemoryTransport(desk.runtime.deps, "signal");
  startBroadcasting(desk.runtime.deps);
});
afterEach(() => desk.close());

async function subscriber(transport: MemoryTransport, id: number, lang: "be" | "ru" | "en", places: string[]): Promise<MemoryUser> {
  const t = T(lang);
  const user = transport.user({ id, languageCode: lang });
  await user.send("/start");
  await user.press(t(`language.names.${lang}`));
  await user.press(t("privacy.agree"));
  const [choose] = await user.send("/subscribe");
  expect(choose!.text).toBe(t("travel.choose"));
  for (const place of places) await user.pressData(`sub:toggle:${place}`);
  const [saved] = await user.pressData("sub:save");
  expect(saved!.text.startsWith(t("travel.saved", { places: "" }).slice(0, 10))).toBe(true);
  return user;
}

const warnings = (user: MemoryUser) => user.messages.filter((m) => m.text.startsWith("⚠️"));

async function compose(admin: MemoryUser, texts: Partial<Record<string, string>>, target: () => Promise<void>, fallback?: string): Promise<string[]> {
  await admin.send("/broadcast");
  for (const lang of LANGUAGES) await admin.send(texts[lang] ?? "/skip");
  if (fallback) await admin.pressData(`bc:${fallback}`);
  await target();
  return admin.messages.filter((m) => m.text.startsWith(en("broadcast.preview_title", { language: "" }).split(" ")[0]!)).map((m) => m.text);
}

describe("travel warnings", () => {
  it("matches places, regions and 'all'", () => {
    expect(covers(["RO"], ["RO"])).toBe(true);
    expect(covers(["eu"], ["RO"])).toBe(true);
    expect(covers(["RO"], ["eu"])).toBe(true);
    expect(covers(["GE"], ["eu"])).toBe(false);
    expect(covers(["all"], ["KZ"])).toBe(true);
    expect(covers(["PL"], ["RO", "HU"])).toBe(false);
  });

  it("pre-selects the country of residence and keeps the choice sealed", async () => {
    const user = telegram.user({ id: 1, languageCode: "en" });
    await user.send("/start");
    await user.press("English");
    await user.press(en("privacy.agree"));
    await user.press(en("menu.intake"));
    await user.press(en("intake.choice.country.LT"));
    await user.send("/menu");
    const [choose] = await user.press(en("menu.travel"));
    expect(choose!.buttons.flat().find((b) => b.data === "sub:toggle:LT")!.text).toBe(`✓ ${en("travel.places.LT")}`);
    const [saved] = await user.pressData("sub:save");
    expect(saved!.text).toBe(en("travel.saved", { places: en("travel.places.LT") }));
    expect(desk.fileBytes().includes(Buffer.from('"LT"'))).toBe(false);
    const [gone] = await user.send("/unsubscribe");
    expect(gone!.text).toBe(en("travel.unsubscribed"));
    expect(desk.count("subscriptions")).toBe(0);
  });

  it("targets by place, falls back to a chosen language, and sends exactly the preview", async () => {
    const admin = telegram.user({ id: ADMIN, languageCode: "en" });
    const inRomania = await subscriber(telegram, 10, "ru", ["RO"]);
    const inEu = await subscriber(signal, 11, "be", ["eu"]);
    const everywhere = await subscriber(telegram, 12, "en", ["all"]);
    const inGeorgia = await subscriber(signal, 13, "ru", ["GE"]);

    const previews = await compose(admin, { be: "Два затрыманні ў Румыніі на гэтым тыдні.", ru: "Два задержания в Румынии на этой неделе." }, async () => {
      await admin.pressData("bc:places");
      await admin.pressData("bc:place:RO");
      await admin.pressData("bc:done");
    }, "ru");
    expect(admin.messages.some((m) => m.text === en("broadcast.fallback_note", { missing: "English", fallback: "Русский" }))).toBe(true);
    expect(admin.last()!.text).toBe(en("broadcast.summary", { total: 3, byMessenger: "telegram: 2, signal: 1" }));
    await admin.pressData("bc:confirm");
    await until(() => warnings(inRomania).length + warnings(inEu).length + warnings(everywhere).length === 3);
    await until(() => admin.messages.some((m) => m.text.startsWith("Broadcast #1 finished")));

    const body = (preview: string) => preview.slice(preview.indexOf("\n\n") + 2);
    const byLanguage = Object.fromEntries(LANGUAGES.map((l, i) => [l, body(previews[i]!)]));
    expect(warnings(inRomania)[0]!.text).toBe(byLanguage.ru);
    expect(warnings(inEu)[0]!.text).toBe(byLanguage.be);
    expect(warnings(everywhere)[0]!.text).toBe(byLanguage.en);
    expect(byLanguage.en).toContain("Два задержания в Румынии");
    expect(warnings(inGeorgia)).toHaveLength(0);
    expect(admin.last()!.text).toBe(en("broadcast.finished", { id: 1, total: 3, sent: 3, failed: 0, pending: 0, ambiguous: 0 }));
  });

  it("leaves out subscribers on a messenger this bot does not run, so the job can finish", async () => {
    await subscriber(telegram, 30, "en", ["all"]);
    await subscriber(signal, 31, "en", ["all"]);
    const { broadcasts } = desk.runtime.deps;
    expect(broadcasts.recipients({ kind: "all" }).map((r) => r.messenger).sort()).toEqual(["signal", "telegram"]);
    const job = broadcasts.create({ texts: { en: "Warning" }, fallback: "en", target: { kind: "all" } }, "test", null, new Set(["telegram"]));
    expect(job.total).toBe(1);
    await until(() => broadcasts.get(job.id)?.status === "done");
  });

  it("targets by language", async () => {
    const admin = telegram.user({ id: ADMIN, languageCode: "en" });
    const ru = await subscriber(telegram, 20, "ru", ["PL"]);
    const be = await subscriber(telegram, 21, "be", ["PL"]);
    await compose(admin, { ru: "Только по-русски" }, async () => {
      await admin.pressData("bc:language");
      await admin.pressData("bc:ru");
    });
    await admin.pressData("bc:confirm");
    await until(() => warnings(ru).length === 1);
    await until(() => admin.messages.some((m) => m.text.startsWith("Broadcast #1 finished")));
    expect(warnings(be)).toHaveLength(0);
  });

  it("ends the subscription of someone who blocked the bot, and waits out a 429", async () => {
    const admin = telegram.user({ id: ADMIN, languageCode: "en" });
    const blocked = await subscriber(telegram, 30, "en", ["all"]);
    const limited = await subscriber(telegram, 31, "en", ["all"]);
    telegram.failNext(30, new DeliveryError(403, "Forbidden: bot was blocked by the user"));
    telegram.failNext(31, new DeliveryError(429, "Too Many Requests: retry after 1", 1));
    await compose(admin, { en: "Check before you fly." }, async () => void (await admin.pressData("bc:all")));
    const confirmedAt = Date.now();
    await admin.pressData("bc:confirm");
    await until(() => warnings(limited).length === 1);
    expect(Date.now() - confirmedAt).toBeGreaterThanOrEqual(950);
    await until(() => admin.messages.some((m) => m.text.startsWith("Broadcast #1 finished")));
    expect(warnings(blocked)).toHaveLength(0);
    expect(warnings(limited)).toHaveLength(1);
    expect(desk.count("subscriptions")).toBe(1);
    expect(admin.last()!.text).toBe(en("broadcast.finished", { id: 1, total: 2, sent: 1, failed: 1, pending: 0, ambiguous: 0 }));
    // Who received which warning goes with the job's end; its counts stay.
    expect(desk.count("broadcast_deliveries")).toBe(0);
    expect(desk.runtime.deps.broadcasts.progress(1)).toMatchObject({ total: 2, sent: 1, failed: 1, pending: 0 });
  });

  it("reports progress in place, keeps chats flowing, and stops within a second of /cancelbroadcast", async () => {
    await desk.close();
    desk = await createTestDesk({ ADMINS: `telegram:${ADMIN}`, BROADCAST_TELEGRAM_PER_SECOND: "20" });
    telegram = new MemoryTransport(desk.runtime.deps, "telegram");
    startBroadcasting(desk.runtime.deps, { progressMs: 100 });
    const admin = telegram.user({ id: ADMIN, languageCode: "en" });
    const people: MemoryUser[] = [];
    for (let i = 0; i < 60; i++) people.push(await subscriber(telegram, 100 + i, "en", ["all"]));
    await compose(admin, { en: "Slow one." }, async () => void (await admin.pressData("bc:all")));
    await admin.pressData("bc:confirm");
    const received = () => people.filter((p) => warnings(p).length > 0).length;
    await until(() => received() >= 5);
    // The "started" message has become a live progress report, edited in place.
    await until(() => admin.messages.some((m) => /^Broadcast #1: \d+\/60 sent, 0 failed, \d+\/s, about \d+ s left\.$/.test(m.text)));
    expect(admin.messages.some((m) => m.text === en("broadcast.started", { id: 1 }))).toBe(false);
    // A question asked meanwhile is answered at once, not after the broadcast.
    const [answer] = await people[59]!.send("how do I get a red notice deleted");
    expect(answer!.text).toContain(en("entries.ccf-deletion-request.a", { ns: "faq" }));
    expect(received()).toBeLessThan(60);
    const [cancelled] = await admin.send("/cancelbroadcast 1");
    expect(cancelled!.text).toBe(en("broadcast.cancel_done", { id: 1 }));
    const atCancel = received();
    await new Promise((r) => setTimeout(r, 1000));
    expect(received()).toBeLessThanOrEqual(atCancel + 4); // only sends already in flight
    const countAfter = received();
    await new Promise((r) => setTimeout(r, 500));
    expect(received()).toBe(countAfter);
    expect(received()).toBeLessThan(60);
    // A cancelled job keeps its counts and nothing about who was to receive it.
    await until(() => desk.count("broadcast_deliveries") === 0);
    expect(desk.runtime.deps.broadcasts.progress(1)).toMatchObject({ total: 60, sent: countAfter, pending: 0 });
  });

  it("holds no more deliveries as sending than it has slots, at every write of a batch", async () => {
    const { broadcasts, contacts, subscriptions, config } = desk.runtime.deps;
    const people: MemoryUser[] = [];
    for (let id = 200; id < 240; id++) {
      people.push(telegram.user({ id, languageCode: "en" }));
      // Slow answers keep every slot busy, so batches fill them.
      telegram.slow(id, 15);
      subscriptions.set(contacts.consent({ messenger: "telegram", chatId: String(id) }, "en").id, ["all"]);
    }
    const sending = desk.runtime.store.sqlite.prepare("SELECT count(*) AS n FROM broadcast_deliveries WHERE state = 'sending'");
    const held: number[] = [];
    const step = broadcasts.step.bind(broadcasts);
    broadcasts.step = (...args) => {
      const claimed = step(...args);
      held.push((sending.get() as { n: number }).n);
      return claimed;
    };
    const job = broadcasts.create({ texts: { en: "Warning" }, fallback: "en", target: { kind: "all" } }, "test", null);
    desk.runtime.deps.broadcastRunner?.kick();
    await until(() => broadcasts.get(job.id)?.status === "done");
    expect(people.map((p) => warnings(p).length)).toEqual(people.map(() => 1));
    expect(Math.max(...held)).toBe(config.BROADCAST_SLOTS);
  });

  it("lets no one but admins start, see or cancel broadcasts, or count subscribers", async () => {
    const stranger = await subscriber(telegram, 40, "en", ["PL"]);
    for (const command of ["/broadcast", "/broadcasts", "/cancelbroadcast 1", "/subscribers"]) {
      const [reply] = await stranger.send(command);
      expect(reply!.text, command).toBe(en("help.text"));
    }
    expect(desk.count("broadcasts")).toBe(0);
    const admin = telegram.user({ id: ADMIN, languageCode: "en" });
    const [counts] = await admin.send("/subscribers");
    expect(counts!.text).toBe(`${en("broadcast.counts_title")}\n• ${en("travel.places.PL")}: 1`);
  });
});

describe("the pacer", () => {
  it("wakes once for several sends, late and never early: no second holds more than the rate", async () => {
    const perSecond = 400;
    // Each send's time is the pacer's last reading of its clock, so a busy machine delaying this loop cannot move it.
    let read = 0;
    const pacer = new Pacer(perSecond, () => (read = performance.now()), pacingGrain(perSecond, 8));
    const times: number[] = [];
    const started = performance.now();
    for (let i = 0; i < 2.5 * perSecond; i++) {
      await pacer.wait();
      times.push(read);
    }
    // Any `perSecond + 1` consecutive sends span a second.
    for (let i = perSecond; i < times.length; i++) expect(times[i]! - times[i - perSecond]!).toBeGreaterThanOrEqual(1000);
    // The schedule holds on average: nothing was sent ahead of it.
    expect(times.at(-1)! - started).toBeGreaterThanOrEqual(((times.length - perSecond - 1) / perSecond) * 1000);
    // Sends due while it slept went out on the same wake-up (a load only groups them more).
    const wakeUps = times.filter((t, i) => i === 0 || t - times[i - 1]! > 1).length;
    expect(wakeUps).toBeLessThanOrEqual(times.length / 3);
  });
});

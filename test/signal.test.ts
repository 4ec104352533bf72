import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UPDATES_IN_FLIGHT } from "../src/bot/app.js";
import { createI18n } from "../src/i18n/i18n.js";
import { readEnvelope } from "../src/transports/signal/envelope.js";
import { SignalInbox } from "../src/transports/signal/inbox.js";
import { runSignal } from "../src/transports/signal/run.js";
import { SignalModeError, type SignalTransport } from "../src/transports/signal/transport.js";
import { runTelegram, type TelegramHandle } from "../src/transports/telegram.js";
import { BOT_NUMBER, FakeSignal } from "./helpers/fake-signal.js";
import { callbackUpdate, FAKE_TOKEN, FakeTelegram, textUpdate } from "./helpers/fake-telegram.js";
import { countInFlight } from "./helpers/in-flight.js";
import { createTestDesk, type TestDesk } from "./helpers/runtime.js";
import { SignalPerson, until } from "./helpers/signal-person.js";

const i18n = await createI18n();
const en = i18n.getFixedT("en");
const ru = i18n.getFixedT("ru");
const be = i18n.getFixedT("be");

let fake: FakeSignal;
let telegram: FakeTelegram;
let desk: TestDesk;
let signal: SignalTransport;
let tg: TelegramHandle | undefined;

/** Starts the bot; `SIGNAL_RECEIVE_MODE=websocket` also puts the fake in json-rpc mode. */
async function start(env: Record<string, string> = {}, existing?: TestDesk): Promise<void> {
  const websocket = env.SIGNAL_RECEIVE_MODE === "websocket";
  if (websocket) fake.mode = "json-rpc";
  desk = existing ?? await createTestDesk({ SIGNAL_API_URL: fake.url, SIGNAL_NUMBER: BOT_NUMBER, ...env });
  signal = await runSignal(desk.runtime);
  const receives = fake.receiveQueries.length;
  await until(() => (websocket ? fake.connections > 0 : fake.receiveQueries.length > receives));
}

const ws = { SIGNAL_RECEIVE_MODE: "websocket" };

/** What an admin's /health says of Signal. */
async function signalHealth(admin: SignalPerson): Promise<string> {
  const [health] = await admin.send("/health");
  return health!.split("\n").find((l) => l.startsWith("signal:"))!;
}

beforeEach(async () => {
  fake = await new FakeSignal().start();
  telegram = await new FakeTelegram().start();
});
afterEach(async () => {
  await tg?.stop();
  tg = undefined;
  await signal?.stop();
  await desk?.close();
  await fake.stop();
  await telegram.stop();
});

const person = (uuid = randomUUID()) => new SignalPerson(fake, signal, uuid);

/** Someone on Telegram writes to the bot; returns what they got back. */
async function tgSay(id: number, text: string) {
  const before = telegram.sentTo(id).length;
  telegram.push(textUpdate({ id, language_code: "en" }, text));
  await telegram.until(() => telegram.sentTo(id).length > before);
  return telegram.sentTo(id).slice(before);
}

async function onboard(p: SignalPerson, lang: "be" | "ru" | "en"): Promise<void> {
  const t = i18n.getFixedT(lang);
  await p.send("/start");
  await p.press(t(`language.names.${lang}`));
  await p.press(t("privacy.agree"));
}

// Poll mode waits, as signal-cli does, for a second without envelopes before answering: about a second a message.
describe("Signal: the same bot through signal-cli-rest-api", { timeout: 60_000 }, () => {
  it("onboards with numbered choices, sets the disappearing timer and shows typing", async () => {
    await start({ ADMINS: "signal:+15555550123" });
    const p = person();
    fake.numbers.set(p.uuid, "+15555550123");
    const [choose] = await p.send("/start");
    expect(choose).toContain(en("language.choose"));
    expect(choose).toMatch(/\n1\. .+\n2\. .+\n3\. /);
    // One message per step: the confirmation and the next question together.
    const step = await p.press("Беларуская");
    expect(step).toHaveLength(1);
    expect(step[0]!.startsWith(`${be("language.set")}\n\n`)).toBe(true);
    expect(step[0]).toContain("Signal");
    // Typing a button's text works as well as its number.
    const replies = await p.send(be("privacy.agree"));
    expect(replies).toHaveLength(1);
    expect(replies[0]!.startsWith(be("privacy.agreed"))).toBe(true);
    expect(replies[0]).toContain(be("menu.title"));
    expect(desk.contactCount()).toBe(1);
    expect(fake.expirations.get(p.uuid)).toBe(7 * 24 * 3600);
    expect(fake.typing.some((t) => t.recipient === p.uuid && t.on)).toBe(true);
    expect(fake.typing.some((t) => t.recipient === p.uuid && !t.on)).toBe(true);
    // An admin named by number is recognised by the number Signal shows.
    const [health] = await p.send("/health");
    expect(health).toContain(be("health.title"));
    for (const id of [p.uuid, "+15555550123", "15555550123"]) {
      expect(desk.fileBytes().includes(Buffer.from(id)), id).toBe(false);
      expect(desk.logs.text).not.toContain(id);
    }
  });

  it("counts in /health, and logs, a disappearing timer it could not set and a file it could not delete", async () => {
    await start({ ...ws, ADMINS: "signal:+15555550199" });
    fake.failHousekeeping = true;
    const p = person();
    await p.send("/start");
    await p.send(undefined, [{ name: "scan.pdf", mime: "application/pdf", bytes: Buffer.from("%PDF-1.7") }]);
    fake.failHousekeeping = false;
    const admin = person();
    fake.numbers.set(admin.uuid, "+15555550199");
    const health = await signalHealth(admin);
    expect(health).toContain("timerFailures=1");
    expect(health).toContain("fileDeleteFailures=1");
    expect(desk.logs.text).toContain("could not be deleted from signal-cli-rest-api");
  });

  it("feels like Signal: no menu under every answer (0 is the menu), edits change the message, and the notice speaks of Signal", async () => {
    await start(ws);
    const p = person();
    await onboard(p, "en");
    expect(p.messages.some((m) => m.includes("Signal is the safer channel"))).toBe(false);
    expect(p.messages.some((m) => m.includes(en("privacy.channel_signal")))).toBe(true);
    const [answer] = await p.send("how do I get a red notice deleted");
    expect(answer).toContain(en("faq.menu_hint"));
    expect(answer).not.toContain(en("faq.human"));
    expect(answer).not.toContain(en("menu.main"));
    const [menu] = await p.send("0");
    expect(menu).toContain(en("menu.title"));

    // The places picker is edited in place on Telegram; on Signal the edit names the message it changes.
    await p.send("/subscribe");
    const picker = fake.sentTo(p.uuid).at(-1)!;
    await p.press(en("travel.places.LT"));
    const edited = fake.sentTo(p.uuid).at(-1)!;
    expect(edited.editOf).toBe(picker.timestamp);
    expect(edited.message).toContain(`✓ ${en("travel.places.LT")}`);
  });

  it("sends the officer card as an image attachment, chosen with numbered replies", async () => {
    await start(ws);
    const p = person();
    await onboard(p, "en");
    await p.send("/card");
    await p.press(en("card.countries.LT"));
    await p.press(en("card.make"));
    const sent = fake.sentTo(p.uuid).find((m) => m.attachments.length > 0)!;
    expect(sent.attachments[0]!.mime).toBe("image/png");
    expect(sent.attachments[0]!.bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(p.last()).toContain("Pareiškimas");
  });

  it("runs the CCF request kit with numbered choices and sends the draft as a text attachment", async () => {
    await start(ws);
    const p = person();
    await onboard(p, "be");
    const kbe = i18n.getFixedT("be", "kit");
    await p.press(be("menu.kit"));
    await p.press(kbe("choice.purpose.access"));
    await p.press(kbe("choice.notice.unknown"));
    await p.send("Беларусь");
    for (let i = 0; i < 7; i++) await p.press(kbe("skip"));
    const sent = fake.sentTo(p.uuid).find((m) => m.attachments.length > 0)!;
    expect(sent.attachments[0]!.mime).toMatch(/^text\/plain/);
    const doc = sent.attachments[0]!.bytes.toString("utf8");
    expect(doc).toContain(i18n.getFixedT("en", "kit")("draft.purpose_access"));
    expect(doc).toContain(kbe("draft.purpose_access"));
    // Every message fits Signal's length, and the last one offers "I have filed" as a numbered choice.
    expect(fake.sentTo(p.uuid).every((m) => m.message.length <= 2000)).toBe(true);
    expect(p.last()).toContain(kbe("filed_button"));
  });

  it("answers FAQ questions, refuses off-topic text and runs the emergency path", async () => {
    await start(ws);
    const p = person();
    await p.send("/start");
    await p.press("Русский");
    await p.press(ru("privacy.decline"));
    const [answer] = await p.send("kak udalit red notice");
    expect(answer).toContain(ru("entries.ccf-deletion-request.a", { ns: "faq" }));
    const [refusal] = await p.send("как приготовить борщ");
    expect(refusal).toContain(ru("faq.no_match"));
    const [sos] = await p.send("меня задержали на границе");
    expect(sos).toContain(ru("emergency.checklist"));
    expect(desk.contactCount()).toBe(0);
  });

  it("runs the intake with typed answers and numbered choices", async () => {
    await start(ws);
    const p = person();
    await onboard(p, "en");
    await p.press(en("menu.intake"));
    await p.send("Montenegro");
    await p.press(en("intake.choice.status.refugee"));
    await p.press(en("intake.choice.knowledge.diffusion"));
    await p.press(en("intake.skip"));
    const [bad] = await p.send("1900");
    expect(bad!.startsWith(en("intake.invalid.year", { year: new Date().getUTCFullYear() }))).toBe(true);
    await p.send("2021");
    await p.press(en("intake.skip"));
    await p.press(en("intake.choice.lawyerLanguage.en"));
    await p.press(en("intake.choice.share.yes"));
    expect(p.last()).toContain("Montenegro");
    const [done] = await p.press(en("intake.confirm"));
    expect(done).toMatch(/[A-Z0-9]{3}-[A-Z0-9]{3}/);
    expect(desk.count("cases")).toBe(1);
  });

  it("hands a person on Signal to a volunteer on Telegram and the reverse, files included", async () => {
    await start({ ...ws, TELEGRAM_BOT_TOKEN: FAKE_TOKEN, TELEGRAM_API_ROOT: telegram.apiRoot, ADMINS: "telegram:600" });
    tg = await runTelegram(desk.runtime);
    const [invite] = await tgSay(600, "/invite");
    const code1 = /\/join (\w+)/.exec(invite!.text)![1]!;
    await tgSay(601, `/join ${code1}`);
    const [invite2] = await tgSay(600, "/invite");
    const code2 = /\/join (\w+)/.exec(invite2!.text)![1]!;
    const volunteerOnSignal = person();
    await volunteerOnSignal.send(`/join ${code2}`);

    // A person on Signal, a volunteer on Telegram.
    const p = person();
    await onboard(p, "en");
    const [opened] = await p.press(en("menu.lawyer"));
    const refA = /([A-Z0-9]{3}-[A-Z0-9]{3})/.exec(opened!)![1]!;
    await tgSay(601, `/take ${refA}`);
    await until(() => p.last().startsWith("Volunteer "));
    telegram.push(textUpdate({ id: 601, language_code: "en" }, "Hello from Telegram"));
    await until(() => p.last().includes("Hello from Telegram"));
    const before = telegram.sentTo(601).length;
    await p.send("Hello from Signal");
    await telegram.until(() => telegram.sentTo(601).length > before);
    expect(telegram.sentTo(601).at(-1)!.text).toBe(en("relay.from_person", { ref: refA, text: "Hello from Signal" }));
    const scan = Buffer.from("%PDF-1.7 court decision");
    await p.send(undefined, [{ name: "decision.pdf", mime: "application/pdf", bytes: scan }]);
    await telegram.until(() => telegram.sentTo(601).some((m) => m.file));
    expect(telegram.sentTo(601).find((m) => m.file)!.file!.bytes.equals(scan)).toBe(true);
    expect(fake.attachments.size).toBe(0); // deleted from the REST API after relay

    // A person on Telegram, a volunteer on Signal.
    const q = { id: 602, language_code: "ru" };
    const [choose] = await (async () => { telegram.push(textUpdate(q, "/start")); await telegram.until(() => telegram.sentTo(602).length > 0); return telegram.sentTo(602); })();
    const langButton = choose!.buttons.flat().find((b) => b.text === "Русский")!.callback_data!;
    telegram.push(callbackUpdate(q, langButton, choose!.messageId));
    await telegram.until(() => telegram.sentTo(602).length >= 3);
    const notice = telegram.sentTo(602).at(-1)!;
    telegram.push(callbackUpdate(q, notice.buttons.flat().find((b) => b.text === ru("privacy.agree"))!.callback_data!, notice.messageId));
    await telegram.until(() => telegram.sentTo(602).length >= 5);
    const menu = telegram.sentTo(602).at(-1)!;
    telegram.push(callbackUpdate(q, "menu:lawyer", menu.messageId));
    await telegram.until(() => telegram.sentTo(602).some((m) => /[A-Z0-9]{3}-[A-Z0-9]{3}/.test(m.text)));
    const refB = /([A-Z0-9]{3}-[A-Z0-9]{3})/.exec(telegram.sentTo(602).find((m) => /[A-Z0-9]{3}-[A-Z0-9]{3}/.test(m.text))!.text)![1]!;
    await volunteerOnSignal.send(`/take ${refB}`);
    await telegram.until(() => telegram.sentTo(602).some((m) => m.text.includes("Волонтёр")));
    await volunteerOnSignal.send("Здравствуйте, я волонтёр");
    await telegram.until(() => telegram.sentTo(602).some((m) => m.text.endsWith("Здравствуйте, я волонтёр")));
    telegram.files.set("tg-file-1", Buffer.from("%PDF court"));
    const doc = textUpdate(q, "x");
    const message = doc.message as unknown as Record<string, unknown>;
    delete message.text;
    message.document = { file_id: "tg-file-1", file_unique_id: "u1", file_name: "court.pdf", mime_type: "application/pdf", file_size: 10 };
    telegram.push(doc);
    await until(() => fake.sentTo(volunteerOnSignal.uuid).some((m) => m.attachments.length > 0));
    const relayed = fake.sentTo(volunteerOnSignal.uuid).find((m) => m.attachments.length > 0)!;
    expect(relayed.attachments[0]).toMatchObject({ name: "court.pdf" });
    expect(relayed.attachments[0]!.bytes.toString()).toBe("%PDF court");

    // Nobody's uuid or chat id reaches the other side, the database or the logs.
    for (const m of fake.sentTo(volunteerOnSignal.uuid)) expect(m.message).not.toContain("602");
    for (const m of telegram.sentTo(601)) expect(m.text).not.toContain(p.uuid);
    const bytes = desk.fileBytes();
    for (const uuid of [p.uuid, volunteerOnSignal.uuid]) {
      expect(bytes.includes(Buffer.from(uuid))).toBe(false);
      expect(desk.logs.text).not.toContain(uuid);
    }
  });

  it("reports a dropped json-rpc WebSocket and its loss window, reconnects, and answers a repeated envelope once", async () => {
    await start({ ...ws, ADMINS: "signal:+15555550124" });
    const admin = person();
    fake.numbers.set(admin.uuid, "+15555550124");
    expect(await signalHealth(admin)).toMatch(/mode=websocket, server=0\.100 json-rpc, connected=true, lossWindow=\d+\.\d s over 0 disconnects/);
    const p = person();
    await p.send("/start");
    fake.down = true;
    fake.dropConnections();
    // What arrives while no WebSocket is open is dropped by the wrapper, as upstream does (#834, #537).
    await until(() => !signal.health.connected);
    fake.push(p.uuid, "English");
    expect(fake.dropped).toHaveLength(1);
    fake.down = false;
    await until(() => fake.connections > 0);
    expect(desk.logs.text).toContain("signal receive connection lost");
    expect(await signalHealth(admin)).toMatch(/connected=true, lossWindow=\d+\.\d s over 1 disconnects, lastError=receive connection lost/);

    const target = signal.handled + 1;
    const { frame } = fake.incoming(p.uuid, "English");
    fake.deliver(frame);
    await until(() => signal.handled >= target);
    await signal.idle();
    expect(p.messages.filter((m) => m.startsWith(en("language.set")))).toHaveLength(1);
    // signal-cli delivering the same envelope again changes nothing.
    const count = p.messages.length;
    fake.deliver(frame);
    await new Promise((r) => setTimeout(r, 200));
    await signal.idle();
    expect(p.messages.length).toBe(count);
  });

  it("polls losslessly: a question is answered during a continuous stream of other people's envelopes, nothing lost", { timeout: 60_000 }, async () => {
    await start({ SIGNAL_POLL_MAX_MESSAGES: "5" });
    const p = person();
    const others = [randomUUID(), randomUUID(), randomUUID()];
    // Typing and receipts from others, closer together than the 1 s a receive waits for quiet, for
    // longer than the old client waited for an answer (poll seconds + 10 s): one receive would never end.
    let streaming = true;
    let sent = 0;
    const stream = (async () => {
      const end = Date.now() + 13_000;
      while (Date.now() < end) {
        const uuid = others[sent++ % others.length]!;
        fake.deliver(JSON.stringify({ envelope: { sourceUuid: uuid, source: uuid, sourceDevice: 1, timestamp: 1000 + sent, typingMessage: { action: "STARTED", timestamp: 1000 + sent } }, account: BOT_NUMBER }));
        await new Promise((r) => setTimeout(r, 250));
      }
      streaming = false;
    })();
    await new Promise((r) => setTimeout(r, 1500));
    const [answer] = await p.send("kak udalit red notice");
    expect(answer).toContain(ru("entries.ccf-deletion-request.a", { ns: "faq" }));
    expect(streaming).toBe(true); // answered while the stream still ran
    await stream;
    await signal.stop();
    expect(fake.lost).toEqual([]);
    expect(fake.maxConcurrentReceives).toBe(1);
    expect(fake.receiveQueries.every((q) => q.get("timeout") === "1" && q.get("max_messages") === "5")).toBe(true);
  });

  it("refuses to start against a server in the other mode, naming both, before receiving anything", async () => {
    fake.mode = "json-rpc";
    desk = await createTestDesk({ SIGNAL_API_URL: fake.url, SIGNAL_NUMBER: BOT_NUMBER });
    const poll = runSignal(desk.runtime);
    await expect(poll).rejects.toBeInstanceOf(SignalModeError);
    await expect(poll).rejects.toThrow(/SIGNAL_RECEIVE_MODE=poll needs signal-cli-rest-api in normal or native mode, but it runs in json-rpc mode/);
    await desk.close();

    fake.mode = "normal";
    fake.push(randomUUID(), "hello");
    desk = await createTestDesk({ SIGNAL_API_URL: fake.url, SIGNAL_NUMBER: BOT_NUMBER, ...ws });
    await expect(runSignal(desk.runtime)).rejects.toThrow(/SIGNAL_RECEIVE_MODE=websocket needs signal-cli-rest-api in json-rpc mode, but it runs in normal mode/);
    // Nothing was taken from the server: the message still waits there.
    expect(fake.receiveQueries).toHaveLength(0);
    expect(fake.lost).toEqual([]);
  });

  it("notices a WebSocket that silently stopped answering pings, reconnects and answers again", async () => {
    await start({ ...ws, SIGNAL_HEARTBEAT_SECONDS: "1" });
    const p = person();
    await p.send("/start");
    fake.silence();
    expect(fake.connections).toBe(0);
    await until(() => fake.connections > 0);
    expect(desk.logs.text).toContain("signal receive connection stopped answering");
    expect(signal.health.disconnects).toBe(1);
    const [set] = await p.press("English");
    expect(set!.startsWith(en("language.set"))).toBe(true);
  });

  it("one person's slow send does not delay another person's reply", async () => {
    await start(ws);
    const slow = person();
    const quick = person();
    fake.slowSends.set(slow.uuid, 4000);
    fake.push(slow.uuid, "/help");
    fake.push(quick.uuid, "/help");
    await until(() => quick.messages.length > 0);
    expect(slow.messages).toHaveLength(0); // still being sent
    await until(() => slow.messages.length > 0);
    expect(slow.last()).toBe(quick.last());
  });

  it("handles a burst of people at most fifty at a time, and answers every one", async () => {
    await start(ws);
    // Each update takes a while (as under load), so the burst piles up.
    const inFlight = countInFlight(signal.bot, 1000);
    const people = Array.from({ length: 3 * UPDATES_IN_FLIGHT }, () => person());
    for (const p of people) fake.push(p.uuid, "/help");
    await until(() => people.every((p) => p.messages.length > 0), 30_000);
    expect(inFlight.most).toBe(UPDATES_IN_FLIGHT);
  });

  it("holds replies during a rate-limit pause and sends them in order after it, across a restart too", async () => {
    await start({ SIGNAL_RATE_LIMIT_PAUSE_SECONDS: "2" });
    const p = person();
    fake.failNext({ kind: "rate-limit" }, p.uuid);
    expect(await p.send("/help")).toEqual([]);
    expect(signal.heldReplies).toBe(1);
    // Behind it, even for someone else: nothing overtakes what waits.
    const q = person();
    expect(await q.send("/help")).toEqual([]);
    await until(() => signal.heldReplies === 0);
    expect(p.messages).toEqual([en("help.text")]);
    expect(q.messages).toEqual([en("help.text")]);

    // Paused again, and the bot restarts before the pause is over: what it held is still sent.
    fake.failNext({ kind: "rate-limit" }, p.uuid);
    await p.send("/help");
    await p.send("/start");
    expect(p.messages).toHaveLength(1);
    expect(signal.heldReplies).toBe(2);
    await signal.stop();
    desk = await desk.restart();
    await start({}, desk);
    await until(() => p.messages.length === 3);
    expect(p.messages[1]).toBe(en("help.text"));
    expect(p.messages[2]).toContain(en("language.choose"));
    // A held reply's row goes once its send has returned, just after it arrived.
    await until(() => desk.count("signal_held") === 0);
  });

  it("after a restart, handles what a crash left stored, once, and ignores envelopes seen before", async () => {
    await start();
    const p = person();
    await onboard(p, "en");
    const seen = fake.incoming(p.uuid, "kak udalit red notice");
    const target = signal.handled + 1;
    fake.deliver(seen.frame);
    await until(() => signal.handled >= target);
    await signal.stop();
    // The process dies after storing an envelope, before handling it.
    const crashed = fake.incoming(p.uuid, "what is a diffusion");
    const inbox = new SignalInbox(desk.runtime.store.db, desk.runtime.keyring);
    inbox.accept(p.uuid, crashed.timestamp, JSON.parse(crashed.frame));
    // And another whose handling had begun: it may have been applied already, so it is not replayed.
    const begun = fake.incoming(p.uuid, "what is the ccf");
    inbox.done(inbox.accept(p.uuid, begun.timestamp, JSON.parse(begun.frame))!);
    desk = await desk.restart();
    const before = p.messages.length;
    await start({}, desk);
    await until(() => p.messages.length > before);
    expect(p.last()).toContain(en("entries.what-is-diffusion.a", { ns: "faq" }));
    const after = p.messages.length;
    fake.deliver(seen.frame);
    fake.deliver(crashed.frame);
    fake.deliver(begun.frame);
    await new Promise((r) => setTimeout(r, 200));
    await signal.idle();
    expect(p.messages.length).toBe(after);
    expect(p.messages.some((m) => m.includes(en("entries.what-is-ccf.a", { ns: "faq" })))).toBe(false);
    expect(desk.fileBytes().includes(Buffer.from(p.uuid))).toBe(false);
  });

  it("holds messages to a person in a case whose safety number changed, tells the volunteer, and sends them once the volunteer confirms", async () => {
    await start({ ...ws, TELEGRAM_BOT_TOKEN: FAKE_TOKEN, TELEGRAM_API_ROOT: telegram.apiRoot, ADMINS: "telegram:610" });
    tg = await runTelegram(desk.runtime);
    const [invite] = await tgSay(610, "/invite");
    await tgSay(611, `/join ${/\/join (\w+)/.exec(invite!.text)![1]!}`);
    const p = person();
    await onboard(p, "en");
    const [opened] = await p.press(en("menu.lawyer"));
    const ref = /([A-Z0-9]{3}-[A-Z0-9]{3})/.exec(opened!)![1]!;
    await tgSay(611, `/take ${ref}`);
    await until(() => p.last().startsWith("Volunteer "));

    // A new phone, or someone else with the number: the default does not trust it for someone in a case.
    fake.changedIdentities.add(p.uuid);
    const before = p.messages.length;
    const alert = en("alert.safety_number", { ref });
    const told = telegram.sentTo(611).length;
    telegram.push(textUpdate({ id: 611, language_code: "en" }, "Can you send me the court decision?"));
    await telegram.until(() => telegram.sentTo(611).length > told);
    await telegram.until(() => telegram.sentTo(611).some((m) => m.text === alert));
    expect(fake.trusted).not.toContain(p.uuid);
    expect(p.messages.length).toBe(before);
    expect(desk.runtime.deps.audit.page({ action: "held" }).total).toBe(1);

    // Checked with the person another way: the volunteer confirms, and what waited arrives, with why it waited.
    const [done] = await tgSay(611, "/trust");
    expect(done!.text).toBe(en("case.trust_done", { ref }));
    expect(fake.trusted).toContain(p.uuid);
    await until(() => p.messages.some((m) => m.includes("Can you send me the court decision?")));
    await until(() => p.messages.some((m) => m.startsWith(en("relay.safety_confirmed", { name: "@" }).split("@")[0]!)));
  });

  it("trusts a changed safety number of someone without a case", async () => {
    await start();
    const p = person();
    fake.changedIdentities.add(p.uuid);
    const [choose] = await p.send("/start");
    expect(choose).toContain(en("language.choose"));
    expect(fake.trusted).toContain(p.uuid);
  });

  it("refuses a changed safety number when so configured", async () => {
    await start({ SIGNAL_NEW_SAFETY_NUMBERS: "refuse" });
    const q = person();
    fake.changedIdentities.add(q.uuid);
    await q.send("/start");
    expect(fake.trusted).not.toContain(q.uuid);
    expect(q.messages).toHaveLength(0);
  });

  it("pauses on 429 and alerts admins on Telegram; trusts a changed safety number; ends chats with unregistered people", async () => {
    await start({ TELEGRAM_BOT_TOKEN: FAKE_TOKEN, TELEGRAM_API_ROOT: telegram.apiRoot, ADMINS: "telegram:700", SIGNAL_NEW_SAFETY_NUMBERS: "trust" });
    tg = await runTelegram(desk.runtime);
    const p = person();
    fake.failNext({ kind: "untrusted" }, p.uuid);
    const [choose] = await p.send("/start");
    expect(choose).toContain(en("language.choose"));
    expect(fake.trusted).toContain(p.uuid);

    // A person who left Signal: the Bot API error the relay treats as "unreachable".
    fake.failNext({ kind: "unregistered" }, p.uuid);
    await expect(signal.bot.api.sendMessage(signal.chatIdOf(p.uuid), "are you there?")).rejects.toMatchObject({ error_code: 403 });

    fake.failNext({ kind: "rate-limit" });
    const q = person();
    await q.send("/help");
    await telegram.until(() => telegram.sentTo(700).some((m) => m.text.includes("chal-token-1")));
    const [health] = await (async () => {
      telegram.push(textUpdate({ id: 700, language_code: "en" }, "/health"));
      await telegram.until(() => telegram.sentTo(700).some((m) => m.text.startsWith(en("health.title"))));
      return telegram.sentTo(700).filter((m) => m.text.startsWith(en("health.title")));
    })();
    expect(health!.text).toMatch(/signal: mode=poll, server=0\.100 normal, connected=true, lossWindow=none, lastError=rate-limited, pausedUntil=\d{4}-/);
  });

  it("ignores receipts, typing, sync, stories, calls and groups, and logs undecryptable envelopes without content", async () => {
    const base = { sourceUuid: randomUUID(), timestamp: 1 };
    expect(readEnvelope({ envelope: { ...base, receiptMessage: { isDelivery: true } } })).toEqual({ kind: "ignored", reason: "receipt" });
    expect(readEnvelope({ envelope: { ...base, typingMessage: { action: "STARTED" } } })).toEqual({ kind: "ignored", reason: "typing" });
    expect(readEnvelope({ envelope: { ...base, syncMessage: {} } })).toEqual({ kind: "ignored", reason: "sync" });
    expect(readEnvelope({ envelope: { ...base, storyMessage: {} } })).toEqual({ kind: "ignored", reason: "story" });
    expect(readEnvelope({ envelope: { ...base, callMessage: {} } })).toEqual({ kind: "ignored", reason: "call" });
    expect(readEnvelope({ envelope: { ...base, dataMessage: { message: "hi", groupInfo: { groupId: "g" } } } })).toEqual({ kind: "ignored", reason: "group" });
    expect(readEnvelope({ envelope: { ...base, sourceUuid: "not-a-uuid", dataMessage: { message: "hi" } } })).toEqual({ kind: "ignored", reason: "malformed" });
    expect(readEnvelope({ exception: { message: "org.whispersystems.libsignal.InvalidMessageException", type: "ProtocolInvalidMessageException" }, envelope: base })).toEqual({ kind: "error" });
    expect(readEnvelope({ params: { envelope: { ...base, dataMessage: { message: "hi" } } } })).toMatchObject({ kind: "message", text: "hi" });

    await start();
    const uuid = randomUUID();
    fake.deliver(JSON.stringify({ envelope: { ...base, sourceUuid: uuid, receiptMessage: { isRead: true } }, account: BOT_NUMBER }));
    fake.deliver(JSON.stringify({ envelope: { ...base, sourceUuid: uuid, dataMessage: { message: "secret words", groupInfo: { groupId: "g" } } }, account: BOT_NUMBER }));
    fake.deliver(JSON.stringify({ exception: { message: `cannot decrypt from ${uuid}`, type: "ProtocolUntrustedIdentityException" }, envelope: { sourceUuid: uuid, timestamp: 9 }, account: BOT_NUMBER }));
    await until(() => desk.logs.text.includes("could not be decrypted"));
    expect(fake.sentTo(uuid)).toHaveLength(0);
    expect(desk.logs.text).not.toContain(uuid);
    expect(desk.logs.text).not.toContain("secret words");
  });

  it("accepts both reply shapes of /v2/send, reads its errors as the recipients not reached, and deletes messages remotely", async () => {
    await start();
    fake.sendReply = "array";
    const p = person();
    await p.send("/help");
    expect(p.last()).toBe(en("help.text"));
    const chatId = signal.chatIdOf(p.uuid);
    const sent = await signal.bot.api.sendMessage(chatId, "to be deleted");
    await signal.bot.api.deleteMessage(chatId, sent.message_id);
    expect(fake.deleted).toEqual([{ recipient: p.uuid, timestamp: fake.sentTo(p.uuid).at(-1)!.timestamp }]);
    // A recipient named in `errors` was not reached.
    fake.failNext({ kind: "unregistered" }, p.uuid);
    await expect(signal.bot.api.sendMessage(chatId, "are you there?")).rejects.toMatchObject({ error_code: 403 });
  });
});

import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createI18n } from "../src/i18n/i18n.js";
import { runTelegram, type TelegramHandle } from "../src/transports/telegram.js";
import { callbackUpdate, FAKE_TOKEN, FakeTelegram, textUpdate } from "./helpers/fake-telegram.js";
import { createTestDesk, type TestDesk } from "./helpers/runtime.js";

const i18n = await createI18n();
const en = i18n.getFixedT("en");
const ru = i18n.getFixedT("ru");

let fake: FakeTelegram;
let desk: TestDesk;
let telegram: TelegramHandle | undefined;

beforeEach(async () => {
  fake = await new FakeTelegram().start();
});
afterEach(async () => {
  await telegram?.stop();
  telegram = undefined;
  await desk.close();
  await fake.stop();
});

async function start(env: Record<string, string> = {}): Promise<void> {
  desk = await createTestDesk({ TELEGRAM_BOT_TOKEN: FAKE_TOKEN, TELEGRAM_API_ROOT: fake.apiRoot, ...env });
  telegram = await runTelegram(desk.runtime);
}

/** Pushes an update and waits for `count` more messages to that chat. */
async function exchange(chatId: number, update: Parameters<FakeTelegram["push"]>[0], count = 1) {
  const before = fake.sentTo(chatId).length;
  fake.push(update);
  await fake.until(() => fake.sentTo(chatId).length >= before + count);
  return fake.sentTo(chatId).slice(before);
}

function button(message: { buttons: { text: string; callback_data?: string }[][] }, label: string): string {
  const found = message.buttons.flat().find((b) => b.text === label);
  if (!found?.callback_data) throw new Error(`no button ${label}`);
  return found.callback_data;
}

describe("on Telegram, through a Bot API server on 127.0.0.1", () => {
  it("runs onboarding, FAQ search and the emergency path by long polling", async () => {
    await start();
    const person = { id: 4242, language_code: "ru" };
    const [choose] = await exchange(person.id, textUpdate(person, "/start"));
    expect(choose!.text).toBe(ru("language.choose"));
    const [, notice] = await exchange(person.id, callbackUpdate(person, button(choose!, "Русский"), choose!.messageId), 2);
    expect(notice!.text).toContain("Signal");
    const replies = await exchange(person.id, callbackUpdate(person, button(notice!, ru("privacy.agree")), notice!.messageId), 2);
    expect(replies.at(-1)!.text).toBe(ru("menu.title"));
    expect(desk.contactCount()).toBe(1);
    expect(fake.callbackAnswers.length).toBeGreaterThanOrEqual(2);

    const [answer] = await exchange(person.id, textUpdate(person, "kak udalit red notice"));
    expect(answer!.text).toContain(ru("entries.ccf-deletion-request.a", { ns: "faq" }));
    const [refusal] = await exchange(person.id, textUpdate(person, "как приготовить борщ"));
    expect(refusal!.text).toBe(ru("faq.no_match"));
    const [sos] = await exchange(person.id, textUpdate(person, "меня задержали на границе"));
    expect(sos!.text).toContain(ru("emergency.checklist"));
  });

  it("takes a first message about a detention to an alert in one tap and two messages, and answers a first question at once", async () => {
    await start();
    const person = { id: 4343, language_code: "en" };
    const [checklist, ...more] = await exchange(person.id, textUpdate(person, "меня сейчас держат на границе, помогите"));
    expect(more).toEqual([]);
    expect(checklist!.text).toContain(ru("emergency.checklist"));
    expect(checklist!.text).toContain(ru("emergency.consent_line"));
    expect(checklist!.text.length).toBeLessThanOrEqual(700);
    const [status, ...after] = await exchange(person.id, callbackUpdate(person, button(checklist!, ru("emergency.handoff")), checklist!.messageId));
    expect(after).toEqual([]);
    const ref = /\b[A-Z0-9]{3}-[A-Z0-9]{3}\b/.exec(status!.text)![0];
    expect(status!.text).toBe(`${ru("handoff.alert_nobody", { ref })}\n\n${ru("handoff.meanwhile")}`);
    expect(status!.text.length).toBeLessThanOrEqual(700);
    expect(desk.contactCount()).toBe(1);

    const stranger = { id: 4344, language_code: "ru" };
    const [answer, ...extra] = await exchange(stranger.id, textUpdate(stranger, "how do I ask interpol to delete a red notice"));
    expect(extra).toEqual([]);
    expect(answer!.text).toContain(en("entries.ccf-deletion-request.a", { ns: "faq" }));
    expect(answer!.buttons.flat().map((b) => b.text)).toContain(en("language.current", { name: "English" }));
    expect(fake.calls.filter((c) => c.method === "sendMessage" && c.chatId === stranger.id)).toHaveLength(1);
  });

  it("greets, keeps a request through a refusal of consent, and answers a second lawyer request with where the case stands", async () => {
    await start();
    const person = { id: 4545, language_code: "en" };
    const [hello] = await exchange(person.id, textUpdate(person, "hello"));
    expect(hello!.text).toBe(en("smalltalk.greeting"));
    const [, notice] = await exchange(person.id, callbackUpdate(person, button(hello!, en("menu.lawyer")), hello!.messageId), 2);
    expect(notice!.buttons.flat().map((b) => b.text)).toEqual([en("privacy.agree"), en("privacy.decline")]);
    const declined = await exchange(person.id, callbackUpdate(person, button(notice!, en("privacy.decline")), notice!.messageId), 2);
    expect(declined[0]!.text).toBe(en("privacy.declined"));
    expect(desk.contactCount()).toBe(0);
    const menu = declined[1]!;
    const [, again] = await exchange(person.id, callbackUpdate(person, button(menu, en("menu.lawyer")), menu.messageId), 2);
    const [opened] = await exchange(person.id, callbackUpdate(person, button(again!, en("privacy.agree")), again!.messageId), 2);
    expect(opened!.text).toBe(en("privacy.agreed"));
    const queued = fake.sentTo(person.id).at(-1)!;
    const ref = /\b[A-Z0-9]{3}-[A-Z0-9]{3}\b/.exec(queued.text)![0];
    expect(queued.text).toContain(en("handoff.opened", { ref }));
    const [second] = await exchange(person.id, callbackUpdate(person, button(queued, en("menu.main")), queued.messageId));
    const [joined] = await exchange(person.id, callbackUpdate(person, button(second!, en("menu.lawyer")), second!.messageId));
    expect(joined!.text).toContain(en("handoff.joined_existing", { ref }));
    expect(joined!.buttons.flat().map((b) => b.text)).toEqual([en("menu.intake"), en("menu.main")]);
    for (const m of fake.sentTo(person.id)) expect(m.text.length).toBeLessThanOrEqual(1200);
  });

  it("sends the officer card as a photo through the Bot API", async () => {
    await start();
    const person = { id: 520, language_code: "en" };
    const [picker] = await exchange(person.id, textUpdate(person, "/card"));
    const [options] = await exchange(person.id, callbackUpdate(person, button(picker!, en("card.countries.DE")), picker!.messageId));
    const [photo, text] = await exchange(person.id, callbackUpdate(person, button(options!, en("card.make")), options!.messageId), 2);
    expect(photo!.file?.bytes.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(text!.text).toContain("Erklärung");
  });

  it("runs the CCF request kit and sends the draft as a document through the Bot API", async () => {
    await start();
    const kit = i18n.getFixedT("en", "kit");
    const person = { id: 521, language_code: "en" };
    await exchange(person.id, textUpdate(person, "/kit"), 2);
    const notice = fake.sentTo(person.id).at(-1)!;
    let [question] = (await exchange(person.id, callbackUpdate(person, button(notice, en("privacy.agree")), notice.messageId), 3)).slice(-1);
    expect(question!.text).toBe(kit("q.purpose"));
    [question] = await exchange(person.id, callbackUpdate(person, button(question!, kit("choice.purpose.access")), question!.messageId));
    for (let i = 0; i < 8; i++) [question] = await exchange(person.id, callbackUpdate(person, button(question!, kit("skip")), question!.messageId));
    const [checklist, draft, document, steps] = await exchange(person.id, callbackUpdate(person, button(question!, kit("skip")), question!.messageId), 4);
    expect(checklist!.text).toContain(kit("checklist_title"));
    expect(draft!.text).toContain(kit("draft.purpose_access"));
    expect(document!.file?.name).toBe("ccf-request-draft.txt");
    expect(document!.file?.bytes.toString("utf8")).toContain(kit("draft.purpose_access"));
    expect(steps!.buttons.flat().map((b) => b.text)).toContain(kit("filed_button"));
  });

  it("waits out a 429 for retry_after seconds and then delivers exactly once", async () => {
    await start();
    fake.fail({ method: "sendMessage", code: 429, description: "Too Many Requests: retry after 1", retryAfter: 1 });
    const person = { id: 77, language_code: "en" };
    fake.push(textUpdate(person, "/start"));
    await fake.until(() => fake.sentTo(77).length === 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.sentTo(77).map((m) => m.text)).toEqual([en("language.choose")]);
    const sends = fake.calls.filter((c) => c.method === "sendMessage");
    expect(sends).toHaveLength(2);
    expect(sends[1]!.at - sends[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it("survives a person who blocked the bot (403) and keeps serving others", async () => {
    await start();
    fake.block(13);
    fake.push(textUpdate({ id: 13 }, "/start"));
    const [reply] = await exchange(14, textUpdate({ id: 14, language_code: "en" }, "/help"));
    expect(reply!.text).toBe(en("help.text"));
    await fake.until(() => desk.logs.text.includes("handler failed"));
    const line = desk.logs.lines.find((l) => l.includes("handler failed"))!;
    expect((JSON.parse(line) as { err: unknown }).err).toMatchObject({ type: "GrammyError", method: "sendMessage", error_code: 403 });
    expect(desk.logs.text).not.toContain("blocked by the user");
    // It tried (the fake refuses with 403 before recording a message), then gave up: no retry loop.
    await new Promise((r) => setTimeout(r, 100));
    const attempts = fake.calls.filter((c) => c.method === "sendMessage" && c.chatId === 13).length;
    expect(attempts).toBeGreaterThanOrEqual(1);
    expect(attempts).toBeLessThanOrEqual(2); // the reply, and the "something went wrong" notice
  });

  it("leaves groups it is added to, except the staff group, and ignores their messages", async () => {
    await start({ STAFF_GROUP: "-200" });
    const joined = (chatId: number) => ({
      my_chat_member: {
        chat: { id: chatId, type: "supergroup", title: "g" },
        from: { id: 5, is_bot: false, first_name: "A" },
        date: 0,
        old_chat_member: { status: "left", user: { id: 123456, is_bot: true, first_name: "b" } },
        new_chat_member: { status: "member", user: { id: 123456, is_bot: true, first_name: "b" } },
      },
    }) as never;
    fake.push(joined(-200));
    fake.push(joined(-100));
    await fake.until(() => fake.calls.some((c) => c.method === "leaveChat"));
    const inGroup = (chatId: number, text: string) => {
      const update = textUpdate({ id: 5 }, text);
      (update.message as { chat: unknown }).chat = { id: chatId, type: "supergroup", title: "g" };
      return update;
    };
    fake.push(inGroup(-100, "kak udalit red notice"));
    fake.push(inGroup(-200, "/queue"));
    fake.push(inGroup(-200, "kak udalit red notice"));
    const [reply] = await exchange(15, textUpdate({ id: 15, language_code: "en" }, "/help"));
    expect(reply!.text).toBe(en("help.text"));
    expect(fake.calls.filter((c) => c.method === "leaveChat").map((c) => c.chatId)).toEqual([-100]);
    // Group updates are dropped before any handler; give any stray one time to show, then look at every
    // call the bot made (a send to the group it left would fail, so `sent` alone would not show it).
    await new Promise((r) => setTimeout(r, 100));
    expect(fake.calls.filter((c) => (c.chatId === -100 || c.chatId === -200) && c.method !== "leaveChat")).toEqual([]);

    // An urgent case is announced in the staff group: reference, language and country, nobody's identity.
    const { deps } = desk.runtime;
    const person = deps.contacts.consent({ messenger: "telegram", chatId: "4343" }, "ru");
    const { case: urgent } = deps.desk.requestHuman(person, true);
    await deps.desk.kick();
    await fake.until(() => fake.sentTo(-200).length > 0);
    const [announcement] = fake.sentTo(-200);
    expect(announcement!.text).toContain(urgent.ref);
    expect(announcement!.text).toContain(`/take ${urgent.ref}`);
    expect(announcement!.text).not.toContain("4343");
  });

  it("hands a person over to a volunteer and relays text and a document both ways", async () => {
    await start({ ADMINS: "telegram:500" });
    const admin = { id: 500, language_code: "en" };
    const [invite] = await exchange(500, textUpdate(admin, "/invite"));
    const code = /\/join (\w+)/.exec(invite!.text)![1]!;
    const volunteer = { id: 501, language_code: "en" };
    await exchange(501, textUpdate(volunteer, `/join ${code}`));
    // Outside a case, a volunteer's text gets the staff help, never the language picker.
    const [outside] = await exchange(501, textUpdate(volunteer, "hi, anyone waiting?"));
    expect(outside!.text).toBe(en("staff.outside_case"));

    const person = { id: 502, language_code: "en" };
    const [choose] = await exchange(502, textUpdate(person, "/start"));
    const [, notice] = await exchange(502, callbackUpdate(person, button(choose!, "English"), choose!.messageId), 2);
    const replies = await exchange(502, callbackUpdate(person, button(notice!, en("privacy.agree")), notice!.messageId), 2);
    const menu = replies.at(-1)!;
    const [opened] = await exchange(502, callbackUpdate(person, button(menu, en("menu.lawyer")), menu.messageId));
    const ref = /([A-Z0-9]{3}-[A-Z0-9]{3})/.exec(opened!.text)![1]!;

    await exchange(501, textUpdate(volunteer, `/take ${ref}`));
    await fake.until(() => fake.sentTo(502).some((m) => m.text.startsWith("Volunteer ")));
    const [relayed] = await exchange(502, textUpdate(volunteer, "Hello, I am here to help"));
    expect(relayed!.text).toMatch(/^Volunteer \w+:\nHello, I am here to help$/);
    const [back] = await exchange(501, textUpdate(person, "Thank you"));
    expect(back!.text).toBe(en("relay.from_person", { ref, text: "Thank you" }));

    const doc = textUpdate(person, "x");
    const message = doc.message as unknown as Record<string, unknown>;
    delete message.text;
    message.document = { file_id: "BQACAgIAAxkBAAIB", file_unique_id: "AgADBQAC", file_name: "decision.pdf", mime_type: "application/pdf", file_size: 1000 };
    const [header, copy] = await exchange(501, doc, 2);
    expect(header!.text).toBe(en("relay.file_from_person", { ref }));
    expect(copy!.copyOf).toEqual({ chatId: 502, messageId: (message.message_id as number) });
    for (const m of fake.sentTo(501)) expect(m.text).not.toContain("502");
  });

  it("takes updates on a webhook that checks Telegram's secret token", async () => {
    const secret = "test-secret-token-0123456789";
    await start({ WEBHOOK_URL: "https://desk.example.org/telegram/hook", WEBHOOK_SECRET: secret, WEBHOOK_PORT: "0" });
    expect(fake.webhook).toEqual({ url: "https://desk.example.org/telegram/hook", secret });
    const url = `http://127.0.0.1:${telegram!.port}/telegram/hook`;
    const update = { update_id: 1, ...textUpdate({ id: 31, language_code: "en" }, "/help") };
    const forged = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "wrong" }, body: JSON.stringify(update) });
    expect(forged.status).toBe(401);
    expect(fake.sentTo(31)).toHaveLength(0);
    const real = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret }, body: JSON.stringify(update) });
    expect(real.status).toBe(200);
    await fake.until(() => fake.sentTo(31).length === 1);
    expect(fake.sentTo(31)[0]!.text).toBe(en("help.text"));

    // A handler that fails (the person blocked the bot) is logged and the update
    // acknowledged: a 500 would make Telegram send it again and again.
    fake.block(32);
    const failing = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
      body: JSON.stringify({ update_id: 2, ...textUpdate({ id: 32, language_code: "en" }, "/help") }),
    });
    expect(failing.status).toBe(200);
    expect(desk.logs.text).toContain("handler failed");
    expect(desk.logs.text).not.toContain("webhook update failed");

    // Telegram sends an update again when its call got no answer: it is taken up once,
    // also by the next process on the same database.
    const post = (port: number, body: unknown) => fetch(`http://127.0.0.1:${port}/telegram/hook`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
      body: JSON.stringify(body),
    });
    expect((await post(telegram!.port!, update)).status).toBe(200);
    await telegram!.stop();
    desk = await desk.restart();
    telegram = await runTelegram(desk.runtime);
    expect((await post(telegram.port!, update)).status).toBe(200);
    expect((await post(telegram.port!, { update_id: 3, ...textUpdate({ id: 33, language_code: "en" }, "/help") })).status).toBe(200);
    await fake.until(() => fake.sentTo(33).length === 1);
    expect(fake.sentTo(31)).toHaveLength(1);
  });
});

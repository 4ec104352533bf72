import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createI18n } from "../src/i18n/i18n.js";
import { pseudonymIn } from "../src/staff/staff.js";
import { MemoryTransport, type MemoryUser } from "../src/transports/memory.js";
import { DeliveryError } from "../src/transports/virtual/types.js";
import { joinTeam } from "./helpers/staff.js";
import { createTestDesk, type TestDesk } from "./helpers/runtime.js";

const i18n = await createI18n();
const en = i18n.getFixedT("en");
const ru = i18n.getFixedT("ru");

const ADMIN = 900;
let desk: TestDesk;
let telegram: MemoryTransport;
let signal: MemoryTransport;
let clock: number;

beforeEach(async () => {
  clock = Date.UTC(2026, 10, 23, 12);
  desk = await createTestDesk({ ADMINS: `telegram:${ADMIN}` }, undefined, () => clock);
  telegram = new MemoryTransport(desk.runtime.deps, "telegram");
  signal = new MemoryTransport(desk.runtime.deps, "signal");
});
afterEach(() => desk.close());

const texts = (user: MemoryUser) => user.messages.map((m) => m.text);

async function volunteer(transport: MemoryTransport, id: number, onDuty = false): Promise<MemoryUser> {
  const member = transport.user({ id, languageCode: "en" });
  expect(await joinTeam(telegram.user({ id: ADMIN, languageCode: "en" }), member)).toMatch(/pseudonym/);
  if (onDuty) await member.send("/duty on");
  return member;
}

async function person(transport: MemoryTransport, id: number, lang: "ru" | "en", extra: { username?: string; firstName?: string } = {}): Promise<MemoryUser> {
  const t = i18n.getFixedT(lang);
  const user = transport.user({ id, languageCode: lang, ...extra });
  await user.send("/start");
  await user.press(t(`language.names.${lang}`));
  await user.press(t("privacy.agree"));
  return user;
}

async function quickIntake(user: MemoryUser, lang: "ru" | "en"): Promise<void> {
  const t = i18n.getFixedT(lang);
  await user.press(t("menu.intake"));
  await user.press(t("intake.choice.country.PL"));
  await user.press(t("intake.choice.status.refugee"));
  await user.press(t("intake.choice.knowledge.red-notice"));
  await user.press(t("intake.skip"));
  await user.send("2021");
  await user.press(t("intake.skip"));
  await user.press(t(`intake.choice.lawyerLanguage.${lang}`));
  await user.press(t("intake.choice.share.yes"));
  await user.press(t("intake.confirm"));
}

const refIn = (text: string) => /([A-Z0-9]{3}-[A-Z0-9]{3})/.exec(text)![1]!;

describe("handoff to volunteers", () => {
  it("runs intake → queue → take → relay both ways with a document → close, on one messenger", async () => {
    const anna = await volunteer(telegram, 901);
    const p = await person(telegram, 5551234, "ru", { username: "hidden_user", firstName: "Ales" });
    await quickIntake(p, "ru");
    const ref = refIn(p.last()!.text);
    const [opened] = await p.press(ru("menu.lawyer"));
    expect(opened!.text).toBe(ru("handoff.joined_existing", { ref }));

    const [queue] = await anna.send("/queue");
    expect(queue!.text).toContain(ref);
    expect(queue!.text).toContain(en("language.names.ru"));
    expect(queue!.text).toContain(en("intake.choice.country.PL"));
    expect(queue!.text).toContain(en("intake.choice.status.refugee"));

    const [taken] = await anna.press(en("queue.take", { ref }));
    expect(taken!.text).toContain(ref);
    // The pseudonym as a Russian reader writes it, in wording that gives no gender.
    const name = pseudonymIn(desk.runtime.deps.staff.find({ messenger: "telegram", chatId: "901" })!.pseudonym, "ru");
    expect(name).toMatch(/^\p{Script=Cyrillic}+$/u);
    expect(p.last()!.text).toBe(ru("relay.joined", { name }));

    await anna.send("Здравствуйте, расскажите, когда вы узнали о циркуляре?");
    expect(p.last()!.text).toBe(ru("relay.from_volunteer", { name, text: "Здравствуйте, расскажите, когда вы узнали о циркуляре?" }));
    await p.send("В марте, меня остановили в аэропорту");
    expect(anna.last()!.text).toBe(en("relay.from_person", { ref, text: "В марте, меня остановили в аэропорту" }));

    await p.sendFile("court.pdf", new Uint8Array([37, 80, 68, 70]));
    expect(anna.messages.at(-2)!.text).toBe(en("relay.file_from_person", { ref }));
    expect(anna.last()!.copyOf?.chatId).toBe(5551234);
    // Files of other kinds, or too large, are refused with a reason.
    const [refused] = await p.sendFile("tool.exe", new Uint8Array([1]), "application/x-msdownload");
    expect(refused!.text).toBe(ru("relay.file_type"));

    await anna.send("/faq ccf-portal-how");
    expect(p.last()!.text).toContain(ru("entries.ccf-portal-how.a", { ns: "faq" }));
    await anna.send("/note Discussed CCF access request");
    const [closeUsage] = await anna.send("/close");
    expect(closeUsage!.text).toContain("advised");
    await anna.send("/close advised");
    expect(p.last()!.text).toBe(ru("relay.closed", { ref }));
    expect(desk.runtime.deps.cases.byRef(ref)!.status).toBe("closed");

    // Relayed bodies are not kept; notes are sealed; the volunteer never saw who the person is.
    expect(desk.count("outbox")).toBe(0);
    const seen = texts(anna).join("\n");
    for (const id of ["5551234", "hidden_user", "Ales"]) expect(seen).not.toContain(id);
    expect(desk.fileBytes().includes(Buffer.from("Discussed CCF"))).toBe(false);
    const actions = desk.runtime.deps.audit.latest().map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["invite", "join", "take", "note", "close"]));
  });

  it("relays between a person on Signal and a volunteer on Telegram, and the reverse", async () => {
    const tg = await volunteer(telegram, 902);
    const sg = await volunteer(signal, 903);
    const onSignal = await person(signal, 7001, "en");
    const onTelegram = await person(telegram, 7002, "en");
    const [a] = await onSignal.press(en("menu.lawyer"));
    const refA = refIn(a!.text);
    const [b] = await onTelegram.press(en("menu.lawyer"));
    const refB = refIn(b!.text);

    await tg.send(`/take ${refA}`);
    await sg.send(`/take ${refB}`);
    await tg.send("Hello from Telegram");
    expect(onSignal.last()!.text).toContain("Hello from Telegram");
    await onSignal.send("Reply from Signal");
    expect(tg.last()!.text).toBe(en("relay.from_person", { ref: refA, text: "Reply from Signal" }));
    await sg.send("Hello from Signal");
    expect(onTelegram.last()!.text).toContain("Hello from Signal");
    await onTelegram.send("Reply from Telegram");
    expect(sg.last()!.text).toBe(en("relay.from_person", { ref: refB, text: "Reply from Telegram" }));

    // Files cross messengers: fetched from one into memory, uploaded to the other, then released.
    const scan = new Uint8Array([37, 80, 68, 70, 45, 49, 46, 55]);
    await onSignal.sendFile("decision.pdf", scan);
    expect(tg.messages.at(-2)!.text).toBe(en("relay.file_from_person", { ref: refA }));
    expect(tg.last()!.file).toMatchObject({ name: "decision.pdf", kind: "document" });
    expect(Buffer.from(tg.last()!.file!.bytes).equals(Buffer.from(scan))).toBe(true);
    expect(signal.released).toHaveLength(1);
    await tg.sendFile("answer.pdf", new Uint8Array([1, 2, 3]));
    expect(onSignal.last()!.file?.name).toBe("answer.pdf");

    const [ended] = await onSignal.send("/endchat");
    expect(ended!.text).toBe(en("relay.ended", { ref: refA }));
    expect(tg.last()!.text).toBe(en("relay.person_ended", { ref: refA }));
    await onSignal.send("kak udalit red notice");
    expect(tg.last()!.text).toBe(en("relay.person_ended", { ref: refA }));
  });

  it("keeps a volunteer talking in their current case when the person of an earlier case ends the chat", async () => {
    const anna = await volunteer(telegram, 906);
    const first = await person(telegram, 7101, "en");
    const second = await person(telegram, 7102, "en");
    const refA = refIn((await first.press(en("menu.lawyer")))[0]!.text);
    const refB = refIn((await second.press(en("menu.lawyer")))[0]!.text);
    await anna.send(`/take ${refA}`);
    await anna.send(`/take ${refB}`); // the current case is now B; A is still held
    await desk.runtime.deps.desk.kick();
    await first.send("/endchat");
    await desk.runtime.deps.desk.kick();
    expect(anna.last()!.text).toBe(en("relay.person_ended", { ref: refA }));
    await anna.send("Still here for you");
    await desk.runtime.deps.desk.kick();
    expect(second.last()!.text).toContain("Still here for you");
  });

  it("lets exactly one of two volunteers racing for a case take it", async () => {
    const first = await volunteer(telegram, 904);
    const second = await volunteer(telegram, 905);
    const p = await person(telegram, 7003, "en");
    const [opened] = await p.press(en("menu.lawyer"));
    const ref = refIn(opened!.text);
    const [r1, r2] = await Promise.all([first.send(`/take ${ref}`), second.send(`/take ${ref}`)]);
    const outcomes = [r1[0]!.text, r2[0]!.text];
    expect(outcomes.filter((t) => t.startsWith(en("case.taken", { ref, summary: "" }).slice(0, 20)))).toHaveLength(1);
    expect(outcomes).toContain(en("case.taken_by_other", { ref }));
    expect(p.messages.filter((m) => m.text.startsWith("Volunteer "))).toHaveLength(1);
  });

  it("refuses staff commands and forged staff buttons from anyone else, and audits it", async () => {
    const anna = await volunteer(telegram, 906);
    const p = await person(telegram, 7004, "en");
    const [opened] = await p.press(en("menu.lawyer"));
    const ref = refIn(opened!.text);
    const stranger = await person(telegram, 7005, "en");
    for (const command of ["/queue", `/take ${ref}`, "/invite", "/staff", "/audit", "/close advised", "/note x", "/cases", "/duty on", "/promote Anna", "/remove Anna", "/faq what-is-ccf"]) {
      const [reply] = await stranger.send(command);
      expect(reply!.text, command).toBe(en("help.text"));
    }
    await stranger.pressData(`staff:take:${ref}`);
    expect(stranger.notices.at(-1)).toBe(en("errors.stale"));
    // A volunteer is not an admin.
    const [denied] = await anna.send("/invite");
    expect(denied!.text).toBe(en("help.text"));
    // A used or guessed invite code does not work.
    const [bad] = await stranger.send("/join AAAAAAAAAA");
    expect(bad!.text).toBe(en("staff.join_invalid"));

    expect(desk.runtime.deps.cases.byRef(ref)!.status).toBe("open");
    const audit = desk.runtime.deps.audit.latest(100);
    expect(audit.filter((e) => e.action === "denied").length).toBeGreaterThanOrEqual(12);
    expect(audit.some((e) => e.action === "forged" && e.actor === "stranger")).toBe(true);
    const admin = telegram.user({ id: ADMIN, languageCode: "en" });
    const [log] = await admin.send("/audit");
    expect(log!.text).toContain("forged");
    expect(log!.text).not.toContain("7005");
  });

  it("shows a volunteer only what the person agreed to share, and limits how many cases one can hold and take", async () => {
    const insider = await volunteer(telegram, 930, false);
    // A person who answers "No" to sharing.
    const secretive = await person(telegram, 7200, "en");
    await secretive.press(en("menu.intake"));
    await secretive.press(en("intake.choice.country.PL"));
    await secretive.press(en("intake.choice.status.refugee"));
    await secretive.press(en("intake.choice.knowledge.red-notice"));
    await secretive.send("art. 243 tax evasion");
    await secretive.send("2021");
    await secretive.send("Spain, March");
    await secretive.press(en("intake.choice.lawyerLanguage.en"));
    await secretive.press(en("intake.choice.share.no"));
    await secretive.press(en("intake.confirm"));
    const [opened] = await secretive.press(en("menu.lawyer"));
    const ref = refIn(opened!.text);
    const [taken] = await insider.send(`/take ${ref}`);
    expect(taken!.text).toContain(en("case.not_shared"));
    expect(taken!.text).not.toContain("243");
    expect(taken!.text).not.toContain("Spain");
    expect(taken!.text).not.toContain(en("intake.label.charges"));
    // Every view of the details is audited, a second one too.
    await insider.send(`/take ${ref}`);
    const actions = desk.runtime.deps.audit.latest().filter((e) => e.caseRef === ref).map((e) => e.action);
    expect(actions).toEqual(["view", "take"]);

    // Holding: at most three at once.
    const refs: string[] = [];
    for (let i = 0; i < 3; i++) {
      const p = await person(telegram, 7210 + i, "en");
      refs.push(refIn((await p.press(en("menu.lawyer")))[0]!.text));
    }
    await insider.send(`/take ${refs[0]}`);
    await insider.send(`/take ${refs[1]}`);
    const [full] = await insider.send(`/take ${refs[2]}`);
    expect(full!.text).toBe(en("case.limit_open", { max: 3 }));
  });

  it("pauses a volunteer who takes cases faster than the hourly limit, and tells the admins", async () => {
    await desk.close();
    desk = await createTestDesk({ ADMINS: `telegram:${ADMIN}`, MAX_TAKES_PER_HOUR: "2" }, undefined, () => clock);
    telegram = new MemoryTransport(desk.runtime.deps, "telegram");
    const admin = telegram.user({ id: ADMIN, languageCode: "en" });
    const walker = await volunteer(telegram, 931, false);
    const refs: string[] = [];
    for (let i = 0; i < 3; i++) {
      const p = await person(telegram, 7300 + i, "en");
      refs.push(refIn((await p.press(en("menu.lawyer")))[0]!.text));
    }
    await walker.send(`/take ${refs[0]}`);
    await walker.send("/release");
    await walker.send(`/take ${refs[1]}`);
    await walker.send("/release");
    const [paused] = await walker.send(`/take ${refs[2]}`);
    expect(paused!.text).toBe(en("case.limit_rate_told", { max: 2 }));
    const name = desk.runtime.deps.staff.find({ messenger: "telegram", chatId: "931" })!.pseudonym;
    expect(admin.last()!.text).toBe(en("alert.take_limit", { name, max: 2 }));
    expect(desk.runtime.deps.cases.byRef(refs[2]!)!.status).toBe("open");
  });

  it("after /forget, the volunteer holding the case lets go of it and the audit keeps no reference to it", async () => {
    const v = await volunteer(telegram, 940, false);
    const p = await person(telegram, 7400, "en");
    const [opened] = await p.press(en("menu.lawyer"));
    const ref = refIn(opened!.text);
    await v.send(`/take ${ref}`);
    expect(desk.count("audit")).toBeGreaterThan(0);
    await p.send("/forget");
    await p.press(en("forget.yes"));
    expect(v.last()!.text).toBe(en("relay.person_forgot", { ref }));
    const refs = desk.runtime.store.sqlite.prepare("SELECT count(*) AS n FROM audit WHERE case_ref = ?").get(ref) as { n: number };
    expect(refs.n).toBe(0);
    expect(desk.runtime.deps.staff.find({ messenger: "telegram", chatId: "940" })!.currentCaseId).toBeNull();
    expect(desk.runtime.deps.cases.byRef(ref)).toBeUndefined();
  });

  it("returns a removed volunteer's cases to the queue, urgent ones announced again, and tells the people", async () => {
    const admin = telegram.user({ id: ADMIN, languageCode: "en" });
    const insider = await volunteer(telegram, 920, false);
    const onDuty = await volunteer(telegram, 921, true);
    const calm = await person(telegram, 7100, "en");
    const [opened] = await calm.press(en("menu.lawyer"));
    const calmRef = refIn(opened!.text);
    const held = await person(telegram, 7101, "en");
    await held.send("I was detained at the border");
    const [alerted] = await held.press(en("emergency.handoff"));
    const urgentRef = refIn(alerted!.text);
    await insider.send(`/take ${calmRef}`);
    await insider.send(`/take ${urgentRef}`);
    const name = desk.runtime.deps.staff.find({ messenger: "telegram", chatId: "920" })!.pseudonym;
    const before = onDuty.messages.length;

    const [removed] = await admin.send(`/remove ${name}`);
    expect(removed!.text).toBe(`${en("staff.removed", { name })} ${en("staff.cases_returned", { count: 2 })}`);
    const queue = desk.runtime.deps.cases.queue().map((c) => c.ref);
    expect(queue).toEqual([urgentRef, calmRef]);
    expect(calm.last()!.text).toBe(en("relay.left", { name }));
    expect(held.last()!.text).toBe(en("relay.left", { name }));
    expect(onDuty.messages.slice(before).some((m) => m.text.includes(`/take ${urgentRef}`))).toBe(true);
    expect(onDuty.messages.slice(before).some((m) => m.text.includes(calmRef))).toBe(false);
    const [refused] = await insider.send("/queue");
    expect(refused!.text).not.toContain(urgentRef);
  });

  it("relays to one slow chat without holding up anyone else's", async () => {
    const v1 = await volunteer(telegram, 950, false);
    const v2 = await volunteer(telegram, 951, false);
    const slowPerson = await person(telegram, 7500, "en");
    const other = await person(telegram, 7501, "en");
    await v1.send(`/take ${refIn((await slowPerson.press(en("menu.lawyer")))[0]!.text)}`);
    await v2.send(`/take ${refIn((await other.press(en("menu.lawyer")))[0]!.text)}`);
    telegram.slow(7500, 3_000);
    const arrived: string[] = [];
    const slowSent = v1.send("a long document for you").then(() => arrived.push("slow"));
    await new Promise((r) => setTimeout(r, 50));
    await v2.send("a quick question");
    arrived.push("other");
    expect(other.last()!.text).toContain("a quick question");
    await slowSent;
    expect(arrived).toEqual(["other", "slow"]);
    expect(slowPerson.last()!.text).toContain("a long document for you");
  });

  it("alerts every on-duty volunteer about an urgent case, and again until someone takes it", async () => {
    const onDuty1 = await volunteer(telegram, 907, true);
    const onDuty2 = await volunteer(signal, 908, true);
    const offDuty = await volunteer(telegram, 909, false);
    const before = offDuty.messages.length;
    const p = await person(telegram, 7006, "en");
    await p.send("I was detained at the border");
    const [alerted] = await p.press(en("emergency.handoff"));
    const ref = refIn(alerted!.text);
    // Coming on duty shows what is waiting.
    const late = await volunteer(telegram, 912, false);
    const [digest] = await late.send("/duty on");
    expect(digest!.text).toContain(en("duty.on"));
    expect(digest!.text).toContain(ref);
    expect(alerted!.text).toBe(`${en("handoff.alert_volunteers", { count: 2, ref })}\n\n${en("handoff.meanwhile")}`);
    expect(onDuty1.last()!.text).toContain(ref);
    expect(onDuty2.last()!.text).toContain(ref);
    expect(offDuty.messages.length).toBe(before);

    const count = () => onDuty1.messages.filter((m) => m.text.includes(`/take ${ref}`)).length;
    expect(count()).toBe(1);
    clock += 2 * 60_000;
    expect(desk.runtime.deps.desk.realert()).toBe(0);
    clock += 4 * 60_000;
    expect(desk.runtime.deps.desk.realert()).toBe(1);
    await desk.runtime.deps.desk.kick();
    expect(count()).toBe(2);
    await onDuty2.send(`/take ${ref}`);
    clock += 10 * 60_000;
    expect(desk.runtime.deps.desk.realert()).toBe(0);
  });

  it("delivers an outbox message exactly once across a 429 and a restart", async () => {
    const anna = await volunteer(telegram, 910);
    const p = await person(telegram, 7007, "en");
    const [opened] = await p.press(en("menu.lawyer"));
    const ref = refIn(opened!.text);
    await anna.send(`/take ${ref}`);
    telegram.failNext(7007, new DeliveryError(429, "Too Many Requests: retry after 2", 2));
    await anna.send("Please send me the decision");
    expect(desk.count("outbox")).toBe(1);
    expect(texts(p).filter((t) => t.includes("Please send me the decision"))).toHaveLength(0);

    desk = await desk.restart();
    const telegram2 = new MemoryTransport(desk.runtime.deps, "telegram");
    const p2 = telegram2.user({ id: 7007, languageCode: "en" });
    await desk.runtime.deps.desk.kick();
    expect(p2.messages).toHaveLength(0); // retry_after not over yet
    clock += 2_500;
    await desk.runtime.deps.desk.kick();
    await desk.runtime.deps.desk.kick();
    expect(texts(p2).filter((t) => t.includes("Please send me the decision"))).toHaveLength(1);
    expect(desk.count("outbox")).toBe(0);
  });

  it("ends the chat and tells the volunteer when the person blocked the bot", async () => {
    const anna = await volunteer(telegram, 911);
    const p = await person(telegram, 7008, "en");
    const [opened] = await p.press(en("menu.lawyer"));
    const ref = refIn(opened!.text);
    await anna.send(`/take ${ref}`);
    telegram.failNext(7008, new DeliveryError(403, "Forbidden: bot was blocked by the user"));
    await anna.send("Are you there?");
    expect(anna.last()!.text).toBe(en("relay.unreachable", { ref }));
    expect(desk.runtime.deps.cases.byRef(ref)!.status).toBe("closed");
  });
});

import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createI18n } from "../src/i18n/i18n.js";
import { MemoryTransport, type MemoryUser } from "../src/transports/memory.js";
import { inviteCode, joinTeam } from "./helpers/staff.js";
import { createTestDesk, type TestDesk } from "./helpers/runtime.js";

/**
 * Someone gets a valid invite and tries what a curious insider would: walk
 * the queue, take and give back, read other volunteers' notes, edit the
 * database file behind the bot's back, forge buttons. Each attempt must be
 * refused or limited, and the admins must be able to see it.
 */

const i18n = await createI18n();
const en = i18n.getFixedT("en");
const ADMIN = 800;
const refIn = (text: string) => /([A-Z0-9]{3}-[A-Z0-9]{3})/.exec(text)![1]!;

let desk: TestDesk;
let telegram: MemoryTransport;
let admin: MemoryUser;

async function start(env: Record<string, string> = {}): Promise<void> {
  desk = await createTestDesk({ ADMINS: `telegram:${ADMIN}`, ...env });
  telegram = new MemoryTransport(desk.runtime.deps, "telegram");
  admin = telegram.user({ id: ADMIN, languageCode: "en" });
}

beforeEach(() => start());
afterEach(() => desk.close());

async function join(id: number): Promise<{ user: MemoryUser; name: string }> {
  const user = telegram.user({ id, languageCode: "en" });
  expect(await joinTeam(admin, user)).toMatch(/pseudonym/);
  return { user, name: desk.runtime.deps.staff.find({ messenger: "telegram", chatId: String(id) })!.pseudonym };
}

/** A person who consented and asked for a lawyer; returns them and their case reference. */
async function asking(id: number, share: "yes" | "no" = "yes"): Promise<{ user: MemoryUser; ref: string }> {
  const user = telegram.user({ id, languageCode: "en" });
  await user.send("/start");
  await user.press(en("language.names.en"));
  await user.press(en("privacy.agree"));
  await user.press(en("menu.intake"));
  await user.press(en("intake.choice.country.PL"));
  await user.press(en("intake.choice.status.refugee"));
  await user.press(en("intake.choice.knowledge.red-notice"));
  await user.send("art. 243, tax evasion");
  await user.send("2021");
  await user.send("Spain, March");
  await user.press(en("intake.choice.lawyerLanguage.en"));
  await user.press(en(`intake.choice.share.${share}`));
  await user.press(en("intake.confirm"));
  const [opened] = await user.press(en("menu.lawyer"));
  return { user, ref: refIn(opened!.text) };
}

/** Opens the database file beside the running bot, as someone with the server's disk would. */
function editBehindTheBot(sql: string, ...params: unknown[]): number {
  const db = new Database(desk.config.DATABASE_PATH);
  try {
    return db.prepare(sql).run(...params).changes;
  } finally {
    db.close();
  }
}

const audited = (action: string) => desk.runtime.deps.audit.page({ action: action as never }).total;

describe("an insider with a valid invite", () => {
  it("sees a case only while holding it, only what the person shared, and notes only as holder", async () => {
    const honest = await join(801);
    const insider = await join(802);
    const shy = await asking(7001, "no");
    await honest.user.send(`/take ${shy.ref}`);
    await honest.user.send("/note client prefers evening calls");

    // Someone else's case: neither its answers nor its notes.
    const [refused] = await insider.user.send(`/take ${shy.ref}`);
    expect(refused!.text).toBe(en("case.taken_by_other", { ref: shy.ref }));
    expect(refused!.text).not.toContain("evening");
    const [notAdmin] = await insider.user.send(`/case ${shy.ref}`);
    expect(notAdmin!.text).toBe(en("help.text"));
    expect(audited("denied")).toBe(1);

    // Given back and taken by the insider: still only what the person agreed to share, but the notes of the case.
    await honest.user.send("/release");
    const [taken] = await insider.user.send(`/take ${shy.ref}`);
    expect(taken!.text).toContain(en("case.not_shared"));
    expect(taken!.text).not.toContain("243");
    expect(taken!.text).not.toContain("Spain");
    expect(taken!.text).toContain("evening");

    // An admin can read any case, and that view is audited too.
    const [adminView] = await admin.send(`/case ${shy.ref}`);
    expect(adminView!.text).toContain(insider.name);
    expect(adminView!.text).toContain("evening");
    const views = desk.runtime.deps.audit.page({ action: "view" }).entries;
    expect(views.map((e) => [e.actor, e.caseRef])).toContainEqual([desk.runtime.deps.staff.find({ messenger: "telegram", chatId: String(ADMIN) })!.pseudonym, shy.ref]);
  });

  it("cannot walk the queue by taking and giving back: past the daily number the admins are told of every release", async () => {
    await desk.close();
    await start({ MAX_RELEASES_PER_DAY: "2" });
    const insider = await join(803);
    const refs: string[] = [];
    for (let i = 0; i < 4; i++) refs.push((await asking(7010 + i)).ref);
    for (const ref of refs.slice(0, 2)) {
      await insider.user.send(`/take ${ref}`);
      await insider.user.send("/release");
    }
    expect(admin.messages.some((m) => m.text === en("alert.release_limit", { name: insider.name, max: 2 }))).toBe(false);
    await insider.user.send(`/take ${refs[2]}`);
    await insider.user.send("/release");
    expect(admin.last()!.text).toBe(en("alert.release_limit", { name: insider.name, max: 2 }));
    // The takes, views and releases are all in the admins' audit, by pseudonym.
    const [log] = await admin.send(`/audit ${insider.name}`);
    expect(log!.text.match(/ · release · /g)).toHaveLength(3);
    expect(log!.text.match(/ · take · /g)).toHaveLength(3);
  });

  it("cannot make itself admin, steal a case or take another person's record by editing the database file", async () => {
    await join(804);
    const honest = await join(805);
    const person = await asking(7020);
    await asking(804_000);
    await honest.user.send(`/take ${person.ref}`);
    const code = await inviteCode(admin);
    const ids = {
      person: desk.runtime.deps.contacts.idOf({ messenger: "telegram", chatId: "7020" })!,
      insider: desk.runtime.deps.contacts.idOf({ messenger: "telegram", chatId: String(804_000) })!,
    };

    // While the bot is down, as with a copied or seized disk: every column that grants or routes is changed.
    const dir = desk.dir;
    const insiderId = desk.runtime.deps.staff.find({ messenger: "telegram", chatId: "804" })!.id;
    await desk.runtime.close();
    expect(editBehindTheBot("UPDATE staff SET role = 'admin' WHERE id = ?", insiderId)).toBe(1);
    expect(editBehindTheBot("UPDATE cases SET volunteer_id = ? WHERE ref = ?", insiderId, person.ref)).toBe(1);
    expect(editBehindTheBot("UPDATE invites SET role = 'admin'")).toBe(1);
    const rows = new Database(desk.config.DATABASE_PATH).prepare("SELECT id, lookup FROM contacts").all() as { id: string; lookup: Buffer }[];
    const a = rows.find((r) => r.id === ids.person)!;
    const b = rows.find((r) => r.id === ids.insider)!;
    editBehindTheBot("UPDATE contacts SET lookup = ? WHERE id = ?", Buffer.alloc(32), a.id);
    editBehindTheBot("UPDATE contacts SET lookup = ? WHERE id = ?", a.lookup, b.id);
    editBehindTheBot("UPDATE contacts SET lookup = ? WHERE id = ?", b.lookup, a.id);

    desk = await createTestDesk({ ADMINS: `telegram:${ADMIN}`, MASTER_KEY: desk.config.MASTER_KEY! }, dir);
    telegram = new MemoryTransport(desk.runtime.deps, "telegram");
    admin = telegram.user({ id: ADMIN, languageCode: "en" });
    const insiderAgain = telegram.user({ id: 804, languageCode: "en" });

    // The forged role is not obeyed: the row is refused, so the insider is nobody.
    const [noAdmin] = await insiderAgain.send("/staff");
    expect(noAdmin!.text).toBe(en("help.text"));
    // The stolen case is not routed to anyone, nor shown in the queue.
    expect(desk.runtime.deps.cases.byRef(person.ref)).toBeUndefined();
    expect(desk.runtime.deps.cases.queue().map((c) => c.ref)).not.toContain(person.ref);
    // The invite with its role raised does not let anyone in.
    const newcomer = telegram.user({ id: 806, languageCode: "en" });
    const [joined] = await newcomer.send(`/join ${code}`);
    expect(joined!.text).toBe(en("staff.join_invalid"));
    // Swapped lookups: the insider writing as a person is not handed the other person's record.
    const swapped = telegram.user({ id: 804_000, languageCode: "en" });
    const [mine] = await swapped.send("/mydata");
    expect(mine!.text).not.toContain(person.ref);
    expect(desk.runtime.deps.contacts.find({ messenger: "telegram", chatId: "7020" })).toBeUndefined();

    // Every refusal is in the log (no ids) and in the admins' audit.
    expect(desk.logs.text).toContain("a row failed its integrity check and was refused");
    expect(audited("tampered")).toBeGreaterThanOrEqual(4);
    const [log] = await admin.send("/audit tampered");
    expect(log!.text).toContain("system · tampered");
  });

  it("gets nothing from forged buttons, and its refusals cannot bury a take in /audit", async () => {
    const insider = await join(807);
    const person = await asking(7030);
    const stranger = telegram.user({ id: 7031, languageCode: "en" });
    for (let i = 0; i < 40; i++) await stranger.send("/queue");
    await stranger.pressData(`staff:take:${person.ref}`);
    expect(desk.runtime.deps.cases.byRef(person.ref)!.status).toBe("open");
    await insider.user.send(`/take ${person.ref}`);

    // The strangers' 41 refusals are summed up in one line; the take is on the first page.
    const [log] = await admin.send("/audit");
    expect(log!.text).toContain(`${insider.name} · take · ${person.ref}`);
    expect(log!.text).toContain(en("audit.strangers", { count: 41, kinds: "denied 40, forged 1", at: "@" }).split("@")[0]);
    expect(log!.text).not.toMatch(/stranger · denied/);
    const [strangers] = await admin.send("/audit stranger 2");
    expect(strangers!.text.match(/stranger · (denied|forged)/g)).toHaveLength(20);
    expect(strangers!.text).toContain(en("audit.page", { page: 2, pages: 3, next: "stranger 3" }));
  });

  it("leaving the team on its own returns its cases to the queue and tells the people", async () => {
    const insider = await join(808);
    const first = await asking(7040);
    const second = await asking(7041);
    await insider.user.send(`/take ${first.ref}`);
    await insider.user.send(`/take ${second.ref}`);
    const [left] = await insider.user.send("/leave");
    expect(left!.text).toBe(en("staff.left", { count: 2 }));
    expect(desk.runtime.deps.cases.queue().map((c) => c.ref).sort()).toEqual([first.ref, second.ref].sort());
    expect(first.user.last()!.text).toBe(en("relay.left", { name: insider.name }));
    const [gone] = await insider.user.send("/queue");
    expect(gone!.text).toBe(en("help.text"));
    expect(audited("leave")).toBe(1);
  });
});

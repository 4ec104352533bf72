import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createI18n } from "../src/i18n/i18n.js";
import { MemoryTransport, type MemoryUser } from "../src/transports/memory.js";
import { createTestDesk, type TestDesk } from "./helpers/runtime.js";

const en = (await createI18n()).getFixedT("en");
type Role = "stranger" | "unconsented" | "user" | "volunteer" | "admin";
const ROLES: Role[] = ["stranger", "unconsented", "user", "volunteer", "admin"];
const RANK: Record<Role, number> = { stranger: 0, unconsented: 0, user: 0, volunteer: 1, admin: 2 };

let desk: TestDesk;
let tg: MemoryTransport;
const people = {} as Record<Role, MemoryUser>;
let ownRef = "";
let othersRef = "";

async function consent(user: MemoryUser, agree: boolean) {
  await user.send("/start");
  await user.press("English");
  await user.press(en(agree ? "privacy.agree" : "privacy.decline"));
}
const refIn = (text: string) => /([A-Z0-9]{3}-[A-Z0-9]{3})/.exec(text)![1]!;

beforeAll(async () => {
  desk = await createTestDesk({ ADMINS: "telegram:5" });
  tg = new MemoryTransport(desk.runtime.deps, "telegram");
  people.stranger = tg.user({ id: 1, languageCode: "en" });
  people.unconsented = tg.user({ id: 2, languageCode: "en" });
  people.user = tg.user({ id: 3, languageCode: "en" });
  people.volunteer = tg.user({ id: 4, languageCode: "en" });
  people.admin = tg.user({ id: 5, languageCode: "en" });
  await consent(people.unconsented, false);
  await consent(people.user, true);
  const [invite] = await people.admin.send("/invite");
  await people.volunteer.send(`/join ${/\/join (\w+)/.exec(invite!.text)![1]}`);
  // The user's case is the volunteer's own; another person's case is the admin's.
  ownRef = refIn((await people.user.press(en("menu.lawyer")))[0]!.text);
  await people.volunteer.send(`/take ${ownRef}`);
  const other = tg.user({ id: 6, languageCode: "en" });
  await consent(other, true);
  othersRef = refIn((await other.press(en("menu.lawyer")))[0]!.text);
  await people.admin.send(`/take ${othersRef}`);
});
afterAll(() => desk.close());

/** Runs one action and tells whether it was refused as a staff action. */
async function refused(user: MemoryUser, action: { command?: string; button?: string }): Promise<boolean> {
  const before = desk.runtime.deps.audit.latest(1000).length;
  const notices = user.notices.length;
  const replies = action.command ? await user.send(action.command) : await user.pressData(action.button!);
  const audited = desk.runtime.deps.audit.latest(1000).slice(0, desk.runtime.deps.audit.latest(1000).length - before)
    .some((e) => e.action === "denied" || e.action === "forged");
  const texts = replies.map((r) => r.text);
  const label = action.command ?? action.button;
  if (audited) {
    // Refusals look like an unknown command or a stale button: nothing to learn from them.
    if (action.command) expect(texts, label).toEqual([en("help.text")]);
    else expect(user.notices.slice(notices), label).toEqual([en("errors.stale")]);
  } else {
    // Allowed: the action itself answered, not the unknown-command fallback or an error.
    expect(texts, label).not.toContain(en("errors.generic"));
    if (action.command && action.command !== "/help") expect(texts, label).not.toEqual([en("help.text")]);
    if (action.command) expect(texts.length, label).toBeGreaterThan(0);
    else expect(user.notices.slice(notices), label).not.toContain(en("errors.stale"));
    expect(desk.logs.text, label).not.toContain("handler failed");
  }
  return audited;
}

const STAFF = ["/queue", "/release", "/cases", "/duty off", "/faq what-is-ccf", "/note matrix"];
const ADMIN = ["/invite", "/staff", "/audit", "/broadcasts", "/subscribers", "/health", "/cancelbroadcast 99", "/promote Nobody", "/remove Nobody", "/case AAA-AAA"];
const PUBLIC = ["/help", "/menu", "/language", "/privacy", "/mydata", "/sos", "/cancel", "/subscribe", "/unsubscribe"];

describe("authorization matrix", () => {
  for (const role of ROLES) {
    it(`${role}: public commands work, staff and admin commands only with the role`, async () => {
      const user = people[role];
      for (const command of PUBLIC) expect(await refused(user, { command }), `${role} ${command}`).toBe(false);
      for (const command of STAFF) expect(await refused(user, { command }), `${role} ${command}`).toBe(RANK[role] < 1);
      for (const command of ADMIN) expect(await refused(user, { command }), `${role} ${command}`).toBe(RANK[role] < 2);
      expect(await refused(user, { button: `staff:take:${othersRef}` }), `${role} take button`).toBe(RANK[role] < 1);
      expect(await refused(user, { command: "/broadcast" }), `${role} /broadcast`).toBe(RANK[role] < 2);
      if (RANK[role] === 2) await user.send("/cancel");
    });
  }

  it("a volunteer cannot take, close or note someone else's case, and nobody but its volunteer can release it", async () => {
    // The matrix above released it; take it back.
    await people.volunteer.send(`/take ${ownRef}`);
    const [take] = await people.volunteer.send(`/take ${othersRef}`);
    expect(take!.text).toBe(en("case.taken_by_other", { ref: othersRef }));
    // A note goes to the volunteer's own current case, never to the refused one.
    const { cases } = desk.runtime.deps;
    await people.volunteer.send("/note probe");
    expect(cases.notes(cases.byRef(ownRef)!).map((n) => n.text)).toContain("probe");
    expect(cases.notes(cases.byRef(othersRef)!)).toEqual([]);
    // The volunteer's own case is current; closing acts only on it.
    expect(cases.byRef(othersRef)!.status).toBe("taken");
    const adminId = desk.runtime.deps.staff.find({ messenger: "telegram", chatId: "5" })!.id;
    expect(cases.byRef(othersRef)!.volunteerId).toBe(adminId);
    await people.volunteer.send("/close advised");
    expect(cases.byRef(othersRef)!.status).toBe("taken");
    expect(cases.byRef(ownRef)!.status).toBe("closed");
    const [none] = await people.volunteer.send("/note after close");
    expect(none!.text).toBe(en("case.none_current"));
    expect(cases.notes(cases.byRef(othersRef)!)).toEqual([]);
    // Releasing reaches only one's own case: the admin's stays taken, by the admin.
    const [release] = await people.volunteer.send("/release");
    expect(release!.text).toBe(en("case.none_current"));
    expect(cases.byRef(othersRef)).toMatchObject({ status: "taken", volunteerId: adminId });
  });

  it("people see only their own data and cannot reach a case by reference", async () => {
    const [mine] = await people.user.send("/mydata");
    expect(mine!.text).toContain(ownRef);
    expect(mine!.text).not.toContain(othersRef);
    const [notice] = await people.user.send(`/take ${othersRef}`);
    expect(notice!.text).toBe(en("help.text"));
    const [ended] = await people.unconsented.send("/endchat");
    expect(ended!.text).toBe(en("relay.not_in_chat"));
  });
});

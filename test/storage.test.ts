import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { MemoryTransport } from "../src/transports/memory.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Cases } from "../src/cases/cases.js";
import { Contacts } from "../src/contacts/contacts.js";
import { RowIntegrity } from "../src/crypto/integrity.js";
import { Keyring, open, seal, SealError } from "../src/crypto/keyring.js";
import { tableVault } from "../src/crypto/vault.js";
import { connect, openStore, RotationPendingError, WrongKeyError, type Store } from "../src/db/open.js";
import { rekeyAll } from "../src/db/rekey.js";
import { rotateKeys } from "../src/db/rotate.js";
import { IntakeDrafts } from "../src/intake/drafts.js";
import { createTestDesk } from "./helpers/runtime.js";
import { inviteCode, joinTeam } from "./helpers/staff.js";
import { purgeExpired } from "../src/retention/purge.js";

const DAY = 24 * 60 * 60 * 1000;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "notice-desk-storage-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function world(store: Store, keyring: Keyring, now: () => number = Date.now) {
  const vault = tableVault(store.sqlite, keyring, "contacts");
  const integrity = new RowIntegrity(keyring);
  return {
    vault,
    contacts: new Contacts(store.db, keyring, vault, integrity, { idleDays: 180, now }),
    drafts: new IntakeDrafts(store.db, vault, { days: 7, now }),
    cases: new Cases(store.db, vault, integrity, now),
  };
}

describe("sealing", () => {
  it("binds a value to its place: moved to another row or column it does not open", () => {
    const key = randomBytes(32);
    const sealed = seal(key, Buffer.from("answer"), "cases:a:summary");
    expect(open(key, sealed, "cases:a:summary").toString()).toBe("answer");
    expect(() => open(key, sealed, "cases:b:summary")).toThrow(SealError);
    expect(() => open(key, sealed, "intake_drafts:a:draft")).toThrow(SealError);
    expect(() => open(randomBytes(32), sealed, "cases:a:summary")).toThrow(SealError);
    // Random nonces: the same value never seals the same way twice.
    expect(seal(key, Buffer.from("answer"), "x").equals(seal(key, Buffer.from("answer"), "x"))).toBe(false);
  });

  it("gives every sealing its own nonce, across refills of the nonce pool, and opens a value read into a larger buffer", () => {
    const key = randomBytes(32);
    const boxes = Array.from({ length: 1000 }, (_, i) => seal(key, Buffer.from(`value ${i}`), "x"));
    const nonces = new Set(boxes.map((b) => b.subarray(1, 13).toString("hex")));
    expect(nonces.size).toBe(1000);
    boxes.forEach((b, i) => expect(open(key, b, "x").toString()).toBe(`value ${i}`));
    // A value SQLite hands back may be a view into a larger allocation.
    const framed = Buffer.concat([Buffer.from("before"), boxes[7]!, Buffer.from("after")]);
    const view = new Uint8Array(framed.buffer, framed.byteOffset + 6, boxes[7]!.length);
    expect(open(key, view, "x").toString()).toBe("value 7");
    expect(framed.subarray(0, 6).toString()).toBe("before");
  });

  it("refuses a row's value copied into another person's row", () => {
    const keyring = new Keyring(randomBytes(32));
    const store = openStore(join(dir, "d.sqlite"), keyring);
    const { contacts } = world(store, keyring);
    const a = contacts.consent({ messenger: "telegram", chatId: "1" }, "en");
    contacts.consent({ messenger: "telegram", chatId: "2" }, "ru");
    const profileA = (store.sqlite.prepare("SELECT profile FROM contacts WHERE id = ?").get(a.id) as { profile: Buffer }).profile;
    store.sqlite.prepare("UPDATE contacts SET profile = ? WHERE id != ?").run(profileA, a.id);
    expect(() => contacts.find({ messenger: "telegram", chatId: "2" })).toThrow(SealError);
    store.close();
  });
});

describe("the root key", () => {
  it("refuses a wrong key for a database with data, and changes no byte", () => {
    const path = join(dir, "d.sqlite");
    const keyring = new Keyring(randomBytes(32));
    const store = openStore(path, keyring);
    const { contacts, cases } = world(store, keyring);
    const c = contacts.consent({ messenger: "telegram", chatId: "42" }, "be");
    cases.openOrJoin(c.id, { answers: { country: "PL" }, language: "be" });
    store.close();
    const before = readFileSync(path);
    expect(() => openStore(path, new Keyring(randomBytes(32)))).toThrow(WrongKeyError);
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it("warns when a messenger-facing bot takes its root key from the environment", async () => {
    const d = await createTestDesk({ TELEGRAM_BOT_TOKEN: "123456:fake-token-for-tests-only-000000" });
    try {
      expect(d.logs.text).toContain("prefer MASTER_KEY_FILE");
      expect(d.logs.text).not.toContain(d.config.MASTER_KEY!);
    } finally {
      await d.close();
    }
  });

  it("rotates: interrupted half-way, start-up refuses; run again, every record reads under the new key only", () => {
    const path = join(dir, "d.sqlite");
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const oldKeyring = new Keyring(oldKey);
    let store = openStore(path, oldKeyring);
    let w = world(store, oldKeyring);
    const refs: string[] = [];
    for (let i = 0; i < 10; i++) {
      const c = w.contacts.consent({ messenger: "telegram", chatId: String(1000 + i) }, "ru");
      refs.push(w.cases.openOrJoin(c.id, { answers: { yearLeft: 2020 + (i % 5) }, language: "ru" }).case.ref);
    }
    store.close();

    const sqlite = connect(path);
    expect(() => rotateKeys(sqlite, new Keyring(oldKey), new Keyring(newKey), (done) => {
      if (done === 5) throw new Error("power cut");
    })).toThrow("power cut");
    sqlite.close();
    expect(() => openStore(path, new Keyring(oldKey))).toThrow(RotationPendingError);
    expect(() => openStore(path, new Keyring(newKey))).toThrow(RotationPendingError);

    const again = connect(path);
    const report = rotateKeys(again, new Keyring(oldKey), new Keyring(newKey));
    again.close();
    expect(report).toEqual({ rewrapped: 5, alreadyDone: 5 });

    expect(() => openStore(path, new Keyring(oldKey))).toThrow(WrongKeyError);
    const keyring = new Keyring(newKey);
    store = openStore(path, keyring);
    w = world(store, keyring);
    for (let i = 0; i < 10; i++) {
      const c = w.contacts.find({ messenger: "telegram", chatId: String(1000 + i) });
      expect(c?.language).toBe("ru");
      expect(w.cases.ofContact(c!.id).map((x) => x.ref)).toEqual([refs[i]]);
    }
    store.close();

    // Running it once more is harmless.
    const third = connect(path);
    expect(rotateKeys(third, new Keyring(oldKey), new Keyring(newKey))).toEqual({ rewrapped: 0, alreadyDone: 0 });
    third.close();
  });
});

describe("retention", () => {
  it("purges exactly what expired", () => {
    let clock = Date.UTC(2026, 0, 1);
    const now = () => clock;
    const keyring = new Keyring(randomBytes(32));
    const store = openStore(join(dir, "d.sqlite"), keyring);
    const { contacts, drafts, cases } = world(store, keyring, now);

    const idle = contacts.consent({ messenger: "telegram", chatId: "1" }, "en");
    cases.openOrJoin(idle.id, { answers: {}, language: "en" });
    const active = contacts.consent({ messenger: "telegram", chatId: "2" }, "en");
    drafts.save(active.id, { step: 1, answers: { country: "PL" } });
    const closedLongAgo = cases.openOrJoin(active.id, { answers: {}, language: "en" }).case;
    cases.close(closedLongAgo.id, 90);
    const other = contacts.consent({ messenger: "telegram", chatId: "3" }, "en");
    const closedRecently = cases.openOrJoin(other.id, { answers: {}, language: "en" }).case;

    clock += 100 * DAY;
    cases.close(closedRecently.id, 90);
    const stillOpen = cases.openOrJoin(active.id, { answers: { country: "LT" }, language: "en" }).case;
    contacts.touch(active);
    contacts.touch(other);

    clock += 85 * DAY;
    // idle: last seen 185 days ago → gone with its case. active: draft 185 days old → gone;
    // its case closed 185 days ago → gone; its open case stays. other: closed 85 days ago → stays.
    expect(purgeExpired(store, clock)).toEqual({ contacts: 1, drafts: 1, cases: 1, sessions: 0, audit: 0 });
    expect(contacts.find({ messenger: "telegram", chatId: "1" })).toBeUndefined();
    expect(cases.ofContact(active.id).map((c) => c.id)).toEqual([stillOpen.id]);
    expect(cases.ofContact(other.id).map((c) => c.id)).toEqual([closedRecently.id]);
    expect(drafts.load(active.id)).toBeUndefined();
    expect((store.sqlite.prepare("SELECT count(*) AS n FROM cases").get() as { n: number }).n).toBe(2);
    expect(purgeExpired(store, clock)).toEqual({ contacts: 0, drafts: 0, cases: 0, sessions: 0, audit: 0 });
    store.close();
  });
});

describe("the files on disk", () => {
  it("keeps the database folder and files to their owner, whatever the umask", async () => {
    const previous = process.umask(0o022);
    try {
      const d = await createTestDesk();
      const u = d.chat.user({ id: 1, languageCode: "en" });
      await u.send("/start");
      await u.press("English");
      await u.press("I agree");
      const { statSync, readdirSync } = await import("node:fs");
      expect(statSync(d.dir).mode & 0o777).toBe(0o700);
      const files = readdirSync(d.dir);
      expect(files).toContain("desk.sqlite-wal");
      for (const f of files) expect(statSync(`${d.dir}/${f}`).mode & 0o777, f).toBe(0o600);
      await d.close();
    } finally {
      process.umask(previous);
    }
  });

  it("refuses to rotate keys while the bot runs on the database, and rotates once it has stopped", async () => {
    const { execFileSync } = await import("node:child_process");
    const d = await createTestDesk();
    const env = { ...process.env, DATABASE_PATH: d.config.DATABASE_PATH, MASTER_KEY: d.config.MASTER_KEY!, NEW_MASTER_KEY: randomBytes(32).toString("base64"), LOG_LEVEL: "silent" };
    const rotate = () => execFileSync("npx", ["tsx", "src/cli/rotate-keys.ts"], { env, encoding: "utf8", stdio: "pipe", timeout: 60_000 });
    // The desk runs in this process; the command runs in another, so it sees a live process using the file.
    expect(rotate).toThrow(/The bot is running on this database/);
    const { dir } = d;
    await d.runtime.close();
    expect(rotate()).toMatch(/Rotation complete/);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("full re-key", () => {
  it("gives everything new keys: the bot reads all of it under the new root key, and the old keys open nothing in the new file", async () => {
    const { createI18n } = await import("../src/i18n/i18n.js");
    const en = (await createI18n()).getFixedT("en");
    const d = await createTestDesk({ ADMINS: "telegram:1" });
    const chat = new MemoryTransport(d.runtime.deps, "telegram");
    const admin = chat.user({ id: 1, languageCode: "en" });
    const volunteer = chat.user({ id: 2, languageCode: "en" });
    await joinTeam(admin, volunteer);
    const person = chat.user({ id: 3, languageCode: "en" });
    await person.send("/start");
    await person.press(en("language.names.en"));
    await person.press(en("privacy.agree"));
    const [opened] = await person.press(en("menu.lawyer"));
    const ref = /([A-Z0-9]{3}-[A-Z0-9]{3})/.exec(opened!.text)![1]!;
    await volunteer.send(`/take ${ref}`);
    await volunteer.send("/note prefers mornings");
    await person.send("/subscribe");
    await person.press(en("travel.places.LT"));
    await person.press(en("travel.save"));
    await person.press(en("menu.intake"));
    await person.press(en("intake.choice.country.PL"));
    const unused = await inviteCode(admin);
    const { dir, config } = d;
    await d.runtime.close();
    const oldCopy = readFileSync(config.DATABASE_PATH);

    const oldKey = Buffer.from(config.MASTER_KEY!, "base64");
    const newKey = randomBytes(32);
    const sqlite = connect(config.DATABASE_PATH);
    const report = rekeyAll(sqlite, new Keyring(oldKey), new Keyring(newKey));
    sqlite.close();
    expect(report).toMatchObject({ people: 1, staff: 2, invitesDropped: 1, dropped: 0 });

    // The old root key with the old index key (as from an old copy) finds and opens nothing in the new file.
    const oldKeyring = new Keyring(oldKey);
    const oldStore = join(dir, "old.sqlite");
    writeFileSync(oldStore, oldCopy);
    const oldIndex = (new Database(oldStore).prepare("SELECT value FROM meta WHERE key = 'index_key'").get() as { value: Buffer }).value;
    oldKeyring.loadIndexKey(oldIndex);
    const fresh = new Database(config.DATABASE_PATH, { readonly: true });
    const row = fresh.prepare("SELECT id, lookup, wrapped_key FROM contacts").get() as { id: string; lookup: Buffer; wrapped_key: Buffer };
    expect(row.lookup.equals(oldKeyring.blindIndex("contact:telegram:3"))).toBe(false);
    expect(() => oldKeyring.unwrapDataKey(row.wrapped_key, row.id)).toThrow(SealError);
    fresh.close();

    // The bot on the new key: the person, their case, notes, subscription and unfinished intake; staff and their roles.
    const next = await createTestDesk({ ADMINS: "telegram:1", MASTER_KEY: newKey.toString("base64") }, dir);
    try {
      const nextChat = new MemoryTransport(next.runtime.deps, "telegram");
      const again = nextChat.user({ id: 3, languageCode: "en" });
      const [mine] = await again.send("/mydata");
      expect(mine!.text).toContain(ref);
      expect(mine!.text).toContain(en("travel.places.LT"));
      expect(mine!.text).toContain(en("mydata.draft", { until: "" }).split("(")[0]!);
      const [view] = await nextChat.user({ id: 1, languageCode: "en" }).send(`/case ${ref}`);
      expect(view!.text).toContain("prefers mornings");
      const [cases] = await nextChat.user({ id: 2, languageCode: "en" }).send("/cases");
      expect(cases!.text).toContain(ref);
      const [refused] = await nextChat.user({ id: 4, languageCode: "en" }).send(`/join ${unused}`);
      expect(refused!.text).toBe(en("staff.join_invalid"));
      expect(next.logs.text).not.toContain("integrity check");
    } finally {
      await next.close();
    }
  });
});

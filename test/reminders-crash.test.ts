import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { createI18n } from "../src/i18n/i18n.js";
import { exited, spawnBot } from "./helpers/broadcast-harness.js";
import { callbackUpdate, FakeTelegram, textUpdate } from "./helpers/fake-telegram.js";

const i18n = await createI18n();
const en = i18n.getFixedT("en");
const ken = i18n.getFixedT("en", "kit");
const PERSON = 811;

let dir: string;
let fake: FakeTelegram;
let bot: (ChildProcess & { logs: string[] }) | undefined;
let seeded: { databasePath: string; masterKey: string; chatIds: number[] };

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "notice-desk-reminders-"));
  fake = await new FakeTelegram().start();
  seeded = { databasePath: join(dir, "desk.sqlite"), masterKey: randomBytes(32).toString("base64"), chatIds: [] };
});
afterEach(async () => {
  bot?.kill("SIGKILL");
  if (bot) await exited(bot);
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts the bot with its clock at `at`. */
function start(at: string): void {
  bot = spawnBot(seeded, fake, { CLOCK_START: at });
}

async function kill(signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  bot!.kill(signal);
  await exited(bot!);
}

const texts = () => fake.sentTo(PERSON).map((m) => m.text);
const count = (prefix: string) => texts().filter((t) => t.startsWith(prefix)).length;

async function say(text: string): Promise<string> {
  const before = fake.sentTo(PERSON).length;
  fake.push(textUpdate({ id: PERSON, language_code: "en" }, text));
  await fake.until(() => fake.sentTo(PERSON).length > before, 60_000);
  return fake.sentTo(PERSON).at(-1)!.text;
}

async function press(label: string): Promise<string> {
  const find = () => [...fake.sentTo(PERSON)].reverse().find((m) => m.buttons.flat().some((b) => b.text === label));
  // A reply may come as several messages: the button is in one of the later ones.
  await fake.until(() => find() !== undefined, 60_000);
  const message = find()!;
  const before = fake.sentTo(PERSON).length;
  fake.push(callbackUpdate({ id: PERSON }, message.buttons.flat().find((b) => b.text === label)!.callback_data!, message.messageId));
  await fake.until(() => fake.sentTo(PERSON).length > before, 60_000);
  return fake.sentTo(PERSON).at(-1)!.text;
}

const words = { kind: ken("reminders.kind.access"), filed: "2026-12-01", deadline: "2027-04-01", months: 4, from: ken("reminders.from_filed") };
const WEEK = ken("reminders.week", words);
const DEADLINE = ken("reminders.deadline", words);

it("sends each reminder exactly once across restarts and SIGKILLs, on the bot's own clock", async () => {
  start("2026-12-01T10:00:00Z");
  await say("/start");
  await press(en("language.names.en"));
  await press(en("privacy.agree"));
  await say("/reminders");
  await press(ken("reminders.add_button"));
  await press(ken("filed.kind.access"));
  await press(ken("filed.today"));
  expect(await press(ken("filed.not_yet"))).toContain("2027-03-25");
  await kill();

  // A week before the deadline: sent at start-up; killed the moment it is out.
  start("2027-03-25T09:00:00Z");
  await fake.until(() => count(WEEK) >= 1, 60_000);
  await kill();

  // Started again on the same day: not sent again.
  start("2027-03-25T09:30:00Z");
  const list = await say("/reminders");
  expect(list).toContain(ken("reminders.item", { n: 1, ...words, due: "2027-04-01" }));
  expect(count(WEEK)).toBe(1);
  await kill();

  // The deadline day: the last reminder, once, and then nothing is left.
  start("2027-04-01T08:00:00Z");
  await fake.until(() => count(DEADLINE) >= 1, 60_000);
  await kill("SIGTERM");
  start("2027-04-02T08:00:00Z");
  expect(await say("/reminders")).toBe(ken("reminders.none"));
  expect(count(WEEK)).toBe(1);
  expect(count(DEADLINE)).toBe(1);
});

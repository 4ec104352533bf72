import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createI18n } from "../src/i18n/i18n.js";
import { exited, spawnBot } from "./helpers/broadcast-harness.js";
import { callbackUpdate, FakeTelegram, textUpdate, type SentMessage } from "./helpers/fake-telegram.js";

const en = (await createI18n()).getFixedT("en");

/** A small deterministic generator, so a failing run can be repeated. */
function random(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
}

let dir: string;
let fake: FakeTelegram;
let bot: ChildProcess & { logs: string[] };
/** Log lines of every bot process this test ran. */
let logs: string[][];
let seeded: { databasePath: string; masterKey: string; chatIds: number[] };
const env = { ADMINS: "telegram:900" };

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "notice-desk-crash-"));
  fake = await new FakeTelegram().start();
  seeded = { databasePath: join(dir, "desk.sqlite"), masterKey: randomBytes(32).toString("base64"), chatIds: [] };
  bot = spawnBot(seeded, fake, env);
  logs = [bot.logs];
});
afterEach(async () => {
  bot.kill("SIGKILL");
  await exited(bot);
  await fake.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Kills the bot `afterMs` after the reply was seen (0: the instant it is out, handler maybe still running), and restarts it. */
async function crash(afterMs: number): Promise<void> {
  await new Promise((r) => setTimeout(r, afterMs));
  bot.kill("SIGKILL");
  await exited(bot);
  bot = spawnBot(seeded, fake, env);
  logs.push(bot.logs);
}

/** Relay sends a restart found in flight (sent again, so they may arrive twice), as the bot reported them. */
function ambiguousRelays(): number {
  return logs.flat().filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as { msg?: string; ambiguous?: number })
    .filter((l) => l.msg?.startsWith("relay messages were in flight")).reduce((n, l) => n + (l.ambiguous ?? 0), 0);
}

/** Sends and waits for `count` replies to that chat. */
async function say(id: number, text: string, count = 1): Promise<SentMessage[]> {
  const before = fake.sentTo(id).length;
  fake.push(textUpdate({ id, language_code: "en" }, text));
  await fake.until(() => fake.sentTo(id).length >= before + count, 60_000);
  return fake.sentTo(id).slice(before);
}

async function press(id: number, label: string, count = 1): Promise<SentMessage[]> {
  const message = [...fake.sentTo(id)].reverse().find((m) => m.buttons.flat().some((b) => b.text === label));
  if (!message) throw new Error(`no button ${label}`);
  const data = message.buttons.flat().find((b) => b.text === label)!.callback_data!;
  const before = fake.sentTo(id).length;
  fake.push(callbackUpdate({ id }, data, message.messageId));
  await fake.until(() => fake.sentTo(id).length >= before + count, 60_000);
  return fake.sentTo(id).slice(before);
}

describe("crashes (real process kills) during intake and relay", () => {
  it("resumes every conversation and loses no acknowledged message or relay; a relay arrives twice only if in flight at the kill, and is reported", async () => {
    const rnd = random(20261123);
    const person = 701;
    await say(person, "/start");
    await press(person, "English", 2);
    await press(person, en("privacy.agree"), 2);
    await press(person, en("menu.intake"), 2);

    // The intake, killed after two randomly chosen acknowledged answers, at the instant of the reply or a little later.
    const answers: [string, "press" | "say"][] = [
      [en("intake.choice.country.LT"), "press"], [en("intake.choice.status.refugee"), "press"], [en("intake.choice.knowledge.diffusion"), "press"],
      ["Case 77-B, hooliganism", "say"], ["2022", "say"], ["Spain, March", "say"],
      [en("intake.choice.lawyerLanguage.en"), "press"], [en("intake.choice.share.yes"), "press"],
    ];
    const killAfter = new Set([Math.floor(rnd() * 4), 4 + Math.floor(rnd() * 4)]);
    for (const [i, [answer, how]] of answers.entries()) {
      if (how === "press") await press(person, answer);
      else await say(person, answer);
      // The first kill comes the instant the reply is out, before the conversation's state is written.
      if (killAfter.has(i)) await crash(i === Math.min(...killAfter) ? 0 : rnd() * 100);
    }
    const summary = fake.sentTo(person).at(-1)!.text;
    for (const part of [en("intake.choice.country.LT"), "Case 77-B, hooliganism", "2022", "Spain, March"]) expect(summary).toContain(part);
    const [done] = await press(person, en("intake.confirm"));
    const ref = /([A-Z0-9]{3}-[A-Z0-9]{3})/.exec(done!.text)![1]!;

    // The handoff, killed between relayed messages, one of them written while the bot was down.
    const [invite] = await say(900, "/invite");
    await say(702, `/join ${/\/join (\w+)/.exec(invite!.text)![1]}`);
    await say(702, `/take ${ref}`);
    await fake.until(() => fake.sentTo(person).some((m) => m.text.startsWith("Volunteer ")));
    const sent: string[] = [];
    for (let i = 0; i < 6; i++) {
      const text = `relay message ${i}`;
      sent.push(text);
      const before = fake.sentTo(person).length;
      fake.push(textUpdate({ id: 702, language_code: "en" }, text));
      await fake.until(() => fake.sentTo(person).length > before, 60_000);
      // Some kills the instant the message is out, before the outbox has marked it sent.
      if (rnd() < 0.5) await crash(rnd() < 0.5 ? 0 : rnd() * 100);
    }
    bot.kill("SIGKILL");
    await exited(bot);
    fake.push(textUpdate({ id: person, language_code: "en" }, "written while the bot was down"));
    bot = spawnBot(seeded, fake, env);
    logs.push(bot.logs);
    await fake.until(() => fake.sentTo(702).some((m) => m.text.endsWith("written while the bot was down")), 60_000);
    // Probes both ways: the outbox delivers in order, so once they are through, any late second copy would be too.
    fake.push(textUpdate({ id: 702, language_code: "en" }, "probe to the person"));
    fake.push(textUpdate({ id: person, language_code: "en" }, "probe to the volunteer"));
    await fake.until(() => fake.sentTo(person).some((m) => m.text.endsWith("probe to the person"))
      && fake.sentTo(702).some((m) => m.text.endsWith("probe to the volunteer")), 60_000);

    // Each arrives; twice only if the bot was killed while sending it, and then it says so.
    const copies = sent.map((text) => fake.sentTo(person).filter((m) => m.text.endsWith(`\n${text}`)).length);
    for (const [i, n] of copies.entries()) expect(n, sent[i]).toBeGreaterThanOrEqual(1);
    expect(copies.reduce((a, n) => a + n - 1, 0)).toBeLessThanOrEqual(ambiguousRelays());
    expect(fake.sentTo(702).filter((m) => m.text.endsWith("written while the bot was down"))).toHaveLength(1);
  });
});

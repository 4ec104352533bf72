/**
 * The floor under the broadcast bench's CPU figure: grammY's bare `Api`
 * sending `count` messages at `rate` with `slots` in flight, and nothing
 * else (no database, no recipients to read). The bench starts it as its own
 * process and reads its CPU from outside; it stays up until killed.
 * Arguments: apiRoot token count rate slots firstChatId.
 */
import { Api } from "grammy";
import { Pacer, pacingGrain } from "../../src/broadcast/runner.js";

const [apiRoot, token, ...numbers] = process.argv.slice(2);
const [count, rate, slots, firstChatId] = numbers.map(Number) as [number, number, number, number];
const api = new Api(token!, { apiRoot: apiRoot! });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const text = "⚠️ Warning\n\nCheck before you travel.";

// Paced as the bot paces.
const pacer = new Pacer(rate * 0.99, Date.now, pacingGrain(rate, slots));

/** Sends until it arrives: an error (a 429) pauses the pacing and is tried again, as the bot does. */
async function send(chatId: number): Promise<void> {
  for (;;) {
    try {
      await api.sendMessage(chatId, text, { link_preview_options: { is_disabled: true } });
      return;
    } catch {
      pacer.pauseUntil(Date.now() + 1000);
      await sleep(1000);
      await pacer.wait();
    }
  }
}

const inFlight = new Set<Promise<void>>();
for (let i = 0; i < count; i++) {
  while (inFlight.size >= slots) await Promise.race(inFlight);
  await pacer.wait();
  const sending: Promise<void> = send(firstChatId + i).finally(() => inFlight.delete(sending));
  inFlight.add(sending);
}
await Promise.all(inFlight);
setInterval(() => {}, 60_000);

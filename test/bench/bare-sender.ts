/**
 * The floor under the broadcast bench's CPU figure: grammY's bare `Api`
 * sending `count` messages at `rate` with `slots` in flight, and nothing
 * else (no database, no recipients to read). The bench starts it as its own
 * process and reads its CPU from outside; it stays up until killed.
 * Arguments: apiRoot token count rate slots firstChatId.
 */
import { Api } from "grammy";

const [apiRoot, token, ...numbers] = process.argv.slice(2);
const [count, rate, slots, firstChatId] = numbers.map(Number) as [number, number, number, number];
const api = new Api(token!, { apiRoot: apiRoot! });
const inFlight = new Set<Promise<unknown>>();
const interval = 1000 / (rate * 0.99);
const started = Date.now();
for (let i = 0; i < count; i++) {
  while (inFlight.size >= slots) await Promise.race(inFlight);
  const wait = started + i * interval - Date.now();
  if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
  const send: Promise<unknown> = api.sendMessage(firstChatId + i, "⚠️ Warning\n\nCheck before you travel.", { link_preview_options: { is_disabled: true } })
    .catch(() => undefined)
    .finally(() => inFlight.delete(send));
  inFlight.add(send);
}
await Promise.all(inFlight);
setInterval(() => {}, 60_000);

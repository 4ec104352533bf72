import { Composer, Context, type MiddlewareFn } from "grammy";
import type { Update, UserFromGetMe } from "grammy/types";
import { describe, expect, it } from "vitest";
import { FlatComposer } from "../src/bot/composer.js";

const me = { id: 1, is_bot: true, first_name: "bot", username: "bot" } as UserFromGetMe;
const chat = { id: 5, type: "private" as const, first_name: "-" };
const from = { id: 5, is_bot: false, first_name: "-" };
const text = (t: string): Update => ({
  update_id: 1,
  message: { message_id: 1, date: 0, chat, from, text: t, ...(t.startsWith("/") ? { entities: [{ type: "bot_command" as const, offset: 0, length: t.split(" ")[0]!.length }] } : {}) },
});
const button = (data: string): Update => ({
  update_id: 2,
  callback_query: { id: "q", from, chat_instance: "c", data, message: { message_id: 1, date: 0, chat, text: "" } },
});
const ctxOf = (update: Update) => new Context(update, undefined as never, me);

/** The same handlers on grammY's Composer and on FlatComposer, recording what ran. */
function build(make: () => Composer<Context>, log: string[]): MiddlewareFn<Context> {
  const app = make();
  app.use(async (_ctx, next) => {
    log.push("first:before");
    await next();
    log.push("first:after");
  });
  app.command("start", (ctx) => void log.push(`start ${ctx.match}`));
  app.callbackQuery(/^pick:(\w+)$/, (ctx) => void log.push(`pick ${ctx.match[1]}`));
  app.filter(async (ctx) => Promise.resolve(ctx.message?.text === "async"), (_ctx) => void log.push("async filter"));
  const nested = make();
  nested.on("message:text").filter((ctx) => ctx.message.text.length > 3, async (_ctx, next) => {
    log.push("long text, passes on");
    await next();
  });
  app.use(nested);
  app.branch((ctx) => ctx.callbackQuery !== undefined, (_ctx) => void log.push("branch: button"), async (_ctx, next) => {
    log.push("branch: not a button");
    await next();
  });
  app.drop((ctx) => ctx.message?.text === "dropped", (_ctx) => void log.push("not dropped"));
  app.use(() => void log.push("last"));
  return app.middleware();
}

async function trace(make: () => Composer<Context>, update: Update): Promise<string[]> {
  const log: string[] = [];
  await build(make, log)(ctxOf(update), () => {
    log.push("downstream");
    return Promise.resolve();
  });
  return log;
}

describe("FlatComposer", () => {
  const updates = [text("/start now"), text("async"), text("hello there"), text("hi"), text("dropped"), button("pick:x"), button("other")];

  it("runs the same middleware, in the same order, as grammY's Composer", async () => {
    for (const update of updates) {
      const grammy = await trace(() => new Composer<Context>(), update);
      const flat = await trace(() => new FlatComposer<Context>(), update);
      expect(flat).toEqual(grammy);
    }
    // And the traces say something: these are the paths the handlers above should take.
    expect(await trace(() => new FlatComposer<Context>(), text("/start now"))).toEqual(["first:before", "start now", "first:after"]);
    expect(await trace(() => new FlatComposer<Context>(), text("hello there")))
      .toEqual(["first:before", "long text, passes on", "branch: not a button", "not dropped", "first:after"]);
    expect(await trace(() => new FlatComposer<Context>(), text("dropped"))).toEqual(["first:before", "long text, passes on", "branch: not a button", "last", "first:after"]);
    expect(await trace(() => new FlatComposer<Context>(), button("pick:x"))).toEqual(["first:before", "pick x", "first:after"]);
  });

  it("calls downstream when every middleware passes the update on", async () => {
    const app = new FlatComposer<Context>();
    app.on("callback_query", () => undefined);
    app.use((_ctx, next) => next());
    let reached = false;
    await app.middleware()(ctxOf(text("hi")), () => {
      reached = true;
      return Promise.resolve();
    });
    expect(reached).toBe(true);
  });

  it("turns a middleware's or a filter's synchronous throw into a rejection, as grammY's async chain does", async () => {
    const throwing = new FlatComposer<Context>();
    throwing.use(() => {
      throw new Error("handler");
    });
    const result = throwing.middleware()(ctxOf(text("hi")), () => Promise.resolve());
    expect(result).toBeInstanceOf(Promise);
    await expect(result).rejects.toThrow("handler");

    const badFilter = new FlatComposer<Context>();
    badFilter.filter(() => {
      throw new Error("check");
    }, () => undefined);
    await expect(badFilter.middleware()(ctxOf(text("hi")), () => Promise.resolve())).rejects.toThrow("check");
  });

  it("refuses a second call of next, as grammY does", async () => {
    const app = new FlatComposer<Context>();
    app.use(async (_ctx, next) => {
      await next();
      await next();
    });
    await expect(app.middleware()(ctxOf(text("hi")), () => Promise.resolve())).rejects.toThrow("`next` already called before!");
  });

  it("leaves out of a middleware already taken what is added after, as grammY does", async () => {
    const app = new FlatComposer<Context>();
    const log: string[] = [];
    app.use((_ctx, next) => (log.push("one"), next()));
    const taken = app.middleware();
    app.use(() => void log.push("two"));
    await taken(ctxOf(text("hi")), () => Promise.resolve());
    expect(log).toEqual(["one"]);
    await app.middleware()(ctxOf(text("hi")), () => Promise.resolve());
    expect(log).toEqual(["one", "one", "two"]);
  });
});

import { Context, type NextFunction } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { describe, expect, it } from "vitest";
import { Composer } from "../src/bot/composer.js";

const me = { id: 1, is_bot: true, first_name: "desk", username: "desk_bot" } as UserFromGetMe;
const text = (t: string) => new Context({ update_id: 1, message: { message_id: 1, date: 0, chat: { id: 2, type: "private", first_name: "a" }, from: { id: 2, is_bot: false, first_name: "a" }, text: t, ...(t.startsWith("/") ? { entities: [{ type: "bot_command", offset: 0, length: t.split(" ")[0]!.length }] } : {}) } }, {} as never, me);
const handle = (composer: Composer<Context>, ctx: Context, next: NextFunction = () => Promise.resolve()) => composer.middleware()(ctx, next);

describe("Composer", () => {
  it("runs middleware in order, each only when the one before calls next, then the outer next", async () => {
    const seen: string[] = [];
    const composer = new Composer<Context>((_ctx, next) => (seen.push("a"), next()));
    composer.use(async (_ctx, next) => {
      seen.push("b");
      await next();
      seen.push("b after");
    }).use((_ctx, next) => (seen.push("c"), next()));
    composer.use(() => void seen.push("d"));
    composer.use(() => void seen.push("never"));
    await handle(composer, text("hi"), () => Promise.resolve(void seen.push("outer")));
    expect(seen).toEqual(["a", "b", "c", "d", "b after"]);
    seen.length = 0;
    await handle(new Composer<Context>(), text("hi"), () => Promise.resolve(void seen.push("outer")));
    expect(seen).toEqual(["outer"]);
  });

  it("sees middleware added to a returned composer after the update handling was set up", async () => {
    const composer = new Composer<Context>();
    const handler = composer.middleware();
    const later = composer.use();
    const seen: string[] = [];
    later.use(() => void seen.push("late"));
    await handler(text("hi"), () => Promise.resolve());
    expect(seen).toEqual(["late"]);
  });

  it("rejects, as grammY does, when next is called twice or a middleware throws synchronously", async () => {
    const twice = new Composer<Context>(async (_ctx, next) => {
      await next();
      await next();
    });
    await expect(handle(twice, text("hi"))).rejects.toThrow("`next` already called before!");
    const thrown = new Composer<Context>(() => {
      throw new Error("boom");
    });
    const result = handle(thrown, text("hi"));
    expect(result).toBeInstanceOf(Promise);
    await expect(result).rejects.toThrow("boom");
  });

  it("runs a filter's middleware only for matching updates, with sync and async predicates, and passes the rest on", async () => {
    const seen: string[] = [];
    const composer = new Composer<Context>();
    composer.command("start", (ctx) => void seen.push(`start ${ctx.match}`));
    composer.on("message:text").filter((ctx) => Promise.resolve(ctx.message.text === "async"), () => void seen.push("async"));
    composer.hears(/^h(i+)$/, (ctx) => void seen.push(`hears ${ctx.match[1]!}`));
    composer.use(() => void seen.push("fell through"));
    for (const t of ["/start now", "async", "hiii", "other"]) await handle(composer, text(t));
    expect(seen).toEqual(["start now", "async", "hears iii", "fell through"]);
  });
});

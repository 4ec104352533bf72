import { Composer, type Context, type Middleware, type MiddlewareFn, type NextFunction } from "grammy";

type MaybePromise<T> = T | Promise<T>;

/** A filter as registered: the check, and what runs when it holds. */
interface Check<C extends Context> {
  test: (ctx: C) => MaybePromise<boolean>;
  then: MiddlewareFn<C>;
}
type Link<C extends Context> = MiddlewareFn<C> | Check<C>;

/** What a middleware or a check threw, as the rejection grammY's async chain would have made of it. */
const failed = (error: unknown): Promise<never> => new Promise(() => {
  throw error;
});

function asFunction<C extends Context>(middleware: Middleware<C>): MiddlewareFn<C> {
  return typeof middleware === "function" ? middleware : (ctx, next) => middleware.middleware()(ctx, next);
}

/**
 * Runs the links from `start` on: a filter that does not hold is passed over
 * in a loop, not entered. Plain functions, not closures made per update:
 * only a middleware that runs gets something new, its `next`.
 */
function from<C extends Context>(links: readonly Link<C>[], ctx: C, last: NextFunction, start: number): Promise<unknown> {
  for (let at = start; at < links.length; at++) {
    const link = links[at]!;
    if (typeof link === "function") return run(links, ctx, last, link, at);
    let holds: MaybePromise<boolean>;
    try {
      holds = link.test(ctx);
    } catch (error) {
      return failed(error);
    }
    if (holds instanceof Promise) return holds.then((yes) => (yes ? run(links, ctx, last, link.then, at) : from(links, ctx, last, at + 1)));
    if (holds) return run(links, ctx, last, link.then, at);
  }
  return last();
}

/** Runs one middleware with a `next` that continues after it and may be called once, as in grammY. */
function run<C extends Context>(links: readonly Link<C>[], ctx: C, last: NextFunction, middleware: MiddlewareFn<C>, at: number): Promise<unknown> {
  let called = false;
  const next: NextFunction = () => {
    if (called) throw new Error("`next` already called before!");
    called = true;
    return from(links, ctx, last, at + 1) as Promise<void>;
  };
  try {
    return Promise.resolve(middleware(ctx, next));
  } catch (error) {
    return failed(error);
  }
}

function chain<C extends Context>(links: readonly Link<C>[]): MiddlewareFn<C> {
  return (ctx, last) => from(links, ctx, last, 0);
}

/**
 * grammY's `Composer`, with the same methods and meaning, made for many
 * handlers: grammY enters every filter an update passes on its way (each
 * `on`, `command` and `callbackQuery` builds a composer and two promises for
 * the update, kept alive until the update is done). Here a filter that does
 * not match costs its check and nothing else. With a thousand people at
 * once, that garbage was most of the cost of an update.
 */
export class FlatComposer<C extends Context> extends Composer<C> {
  readonly #links: Link<C>[] = [];
  #run: MiddlewareFn<C> | undefined;

  constructor(...middleware: Middleware<C>[]) {
    super();
    for (const m of middleware) this.#links.push(asFunction(m));
  }

  #add(link: Link<C>): void {
    this.#links.push(link);
    this.#run = undefined;
  }

  /** As in grammY: what is added later is not part of a middleware taken before. */
  override middleware(): MiddlewareFn<C> {
    return (this.#run ??= chain([...this.#links]));
  }

  override use(...middleware: Middleware<C>[]): Composer<C> {
    const composer = new FlatComposer<C>(...middleware);
    this.#add(asFunction(composer));
    return composer;
  }

  override filter<D extends C>(predicate: (ctx: C) => ctx is D, ...middleware: Middleware<D>[]): Composer<D>;
  override filter(predicate: (ctx: C) => MaybePromise<boolean>, ...middleware: Middleware<C>[]): Composer<C>;
  override filter(predicate: (ctx: C) => MaybePromise<boolean>, ...middleware: Middleware<C>[]): Composer<C> {
    const composer = new FlatComposer<C>(...middleware);
    this.#add({ test: predicate, then: asFunction(composer) });
    return composer;
  }

  override branch(
    predicate: (ctx: C) => MaybePromise<boolean>,
    trueMiddleware: Middleware<C> | Middleware<C>[],
    falseMiddleware: Middleware<C> | Middleware<C>[],
  ): Composer<C> {
    const yes = asFunction(new FlatComposer<C>(...[trueMiddleware].flat()));
    const no = asFunction(new FlatComposer<C>(...[falseMiddleware].flat()));
    return this.use(async (ctx, next) => ((await predicate(ctx)) ? yes : no)(ctx, next));
  }
}

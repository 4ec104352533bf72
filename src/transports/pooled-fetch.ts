import type { Readable } from "node:stream";
import type { Dispatcher, Pool } from "undici";
import { loadLater } from "../cache/load-later.js";

/** Loaded with the first API call over HTTP. */
const undici = loadLater<typeof import("undici")>("undici");

/** Where a request goes: an API call's URL is the same text for every call of its method. */
interface Target {
  origin: string;
  path: string;
}

/**
 * One request on `pool` through undici's lowest level: the answer's bytes are
 * gathered as they come, with no stream made for them. `signal` (grammY's
 * timeout) aborts it, waiting in the pool or under way.
 */
function exchange(pool: Pool, options: Dispatcher.DispatchOptions, signal: AbortSignal | null | undefined): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let status = 0;
    let stop: ((error: Error) => void) | undefined;
    let aborted: Error | undefined;
    const onAbort = () => {
      aborted = new Error("the request was aborted");
      if (stop) stop(aborted);
      else reject(aborted);
    };
    const done = () => signal?.removeEventListener("abort", onAbort);
    if (signal?.aborted) return reject(new Error("the request was aborted"));
    signal?.addEventListener("abort", onAbort, { once: true });
    pool.dispatch(options, {
      onConnect(abort) {
        if (aborted) abort(aborted);
        else stop = abort;
      },
      onHeaders(statusCode) {
        status = statusCode;
        return true;
      },
      onData(chunk) {
        chunks.push(chunk);
        return true;
      },
      onComplete() {
        done();
        resolve({ status, text: (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString("utf8") });
      },
      onError(error) {
        done();
        reject(error);
      },
    });
  });
}

/**
 * The `fetch` grammY is given on Telegram, for replies and for broadcasts:
 * one request per call on a pool of kept-alive connections per origin,
 * through undici's dispatcher rather than a WHATWG `fetch` and its streams. It
 * does only what grammY's client asks of a fetch (`method`, `headers`, `body`,
 * `signal`; `json()` of the answer). The node-fetch grammY ships with costs
 * about a half more CPU an answer (the FAQ benchmark), and a 100,000-person
 * broadcast pays that on every message.
 */
export function pooledFetch(sockets: number): typeof fetch {
  const pools = new Map<string, Pool>();
  const targets = new Map<string, Target>();
  const poolFor = (origin: string) => {
    let pool = pools.get(origin);
    if (!pool) pools.set(origin, pool = new (undici().Pool)(origin, { connections: sockets }));
    return pool;
  };
  const targetOf = (input: string | URL): Target => {
    const key = String(input);
    let target = targets.get(key);
    if (!target) {
      const url = new URL(key);
      if (url.protocol !== "http:" && url.protocol !== "https:") throw new TypeError(`unsupported protocol ${url.protocol}`);
      target = { origin: url.origin, path: url.pathname + url.search };
      // A few dozen API methods at most; anything else is not cached.
      if (targets.size < 64) targets.set(key, target);
    }
    return target;
  };
  return (async (input: string | URL, init: RequestInit = {}) => {
    const { origin, path } = targetOf(input);
    const { status, text } = await exchange(poolFor(origin), {
      path,
      method: (init.method ?? "GET") as Dispatcher.HttpMethod,
      headers: init.headers as Record<string, string> | undefined,
      // Files: grammY hands its multipart body over as a Node stream.
      body: init.body as string | Uint8Array | Readable | null | undefined,
    }, init.signal);
    return {
      ok: status >= 200 && status < 300,
      status,
      statusText: "",
      text: () => Promise.resolve(text),
      json: () => Promise.resolve().then(() => JSON.parse(text) as unknown),
    } as Response;
  }) as typeof fetch;
}

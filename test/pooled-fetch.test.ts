import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Api, GrammyError, HttpError, InputFile } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pooledFetch } from "../src/transports/pooled-fetch.js";
import { FAKE_TOKEN, FakeTelegram } from "./helpers/fake-telegram.js";

let fake: FakeTelegram;
let api: Api;
beforeEach(async () => {
  fake = await new FakeTelegram().start();
  api = new Api(FAKE_TOKEN, { apiRoot: fake.apiRoot, fetch: pooledFetch(4) });
});
afterEach(() => fake.stop());

/** A server on 127.0.0.1 that answers every request with `handle`. */
async function serve(handle: Parameters<typeof createServer>[1]): Promise<{ root: string; server: Server }> {
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { root: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe("the pooled fetch, under grammY's Api", () => {
  it("sends a message as JSON and hands back its result", async () => {
    const message = await api.sendMessage(42, "Травень — ✓", { link_preview_options: { is_disabled: true } });
    expect(message.message_id).toBe(1);
    expect(fake.sentTo(42).map((m) => m.text)).toEqual(["Травень — ✓"]);
    // Many at once share the kept-alive sockets and each gets its own answer.
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => api.sendMessage(100 + i, `n${i}`).then((m) => m.chat.id)));
    expect(ids).toEqual(Array.from({ length: 20 }, (_, i) => 100 + i));
  });

  it("gives Telegram's refusals as grammY errors: a 429 with its wait, a 403 for a blocked person", async () => {
    fake.fail({ method: "sendMessage", code: 429, description: "Too Many Requests: retry after 7", retryAfter: 7 });
    const tooMany = await api.sendMessage(42, "hi").catch((e: unknown) => e);
    expect(tooMany).toBeInstanceOf(GrammyError);
    expect((tooMany as GrammyError).error_code).toBe(429);
    expect((tooMany as GrammyError).parameters.retry_after).toBe(7);
    fake.block(43);
    const blocked = await api.sendMessage(43, "hi").catch((e: unknown) => e);
    expect((blocked as GrammyError).error_code).toBe(403);
    expect(fake.sentTo(43)).toEqual([]);
  });

  it("uploads a file as multipart", async () => {
    await api.sendDocument(42, new InputFile(Buffer.from("draft text"), "draft.txt"), { caption: "draft" });
    const [sent] = fake.sentTo(42);
    expect(sent?.text).toBe("draft");
    expect(sent?.file?.name).toBe("draft.txt");
    expect(sent?.file?.bytes.toString("utf8")).toBe("draft text");
  });

  it("fails as a network error when the connection drops or the answer is not JSON", async () => {
    const dropping = await serve((req) => req.socket.destroy());
    const html = await serve((_req, res) => res.writeHead(502, { "content-type": "text/html" }).end("<html>Bad gateway</html>"));
    try {
      const dropped = await new Api(FAKE_TOKEN, { apiRoot: dropping.root, fetch: pooledFetch(1) }).sendMessage(42, "hi").catch((e: unknown) => e);
      expect(dropped).toBeInstanceOf(HttpError);
      const proxy = await new Api(FAKE_TOKEN, { apiRoot: html.root, fetch: pooledFetch(1) }).sendMessage(42, "hi").catch((e: unknown) => e);
      expect(proxy).toBeInstanceOf(HttpError);
    } finally {
      dropping.server.closeAllConnections();
      html.server.closeAllConnections();
      await Promise.all([dropping.server, html.server].map((s) => new Promise((resolve) => s.close(resolve))));
    }
  });

  it("gives up a call that outlives grammY's timeout, and closes its connection", async () => {
    let closed!: () => void;
    const connectionClosed = new Promise<void>((resolve) => (closed = resolve));
    const reached: number[] = [];
    const silent = await serve((req) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      req.on("end", () => reached.push((JSON.parse(body) as { chat_id: number }).chat_id));
      req.socket.on("close", closed);
    });
    try {
      const slow = new Api(FAKE_TOKEN, { apiRoot: silent.root, fetch: pooledFetch(1), timeoutSeconds: 0.2 });
      // One connection: the second call waits in the pool behind the first, and is given up there.
      const [error, queued] = await Promise.all([slow.sendMessage(42, "hi"), slow.sendMessage(43, "hi")].map((p) => p.catch((e: unknown) => e)));
      expect(error).toBeInstanceOf(HttpError);
      expect(queued).toBeInstanceOf(HttpError);
      // The request was aborted, not left hanging on a socket the sender counts as busy.
      await connectionClosed;
      // The queued call never went out: the next call is the next to reach the server.
      const again = await slow.sendMessage(44, "hi").catch((e: unknown) => e);
      expect(again).toBeInstanceOf(HttpError);
      expect(reached).toEqual([42, 44]);
    } finally {
      silent.server.closeAllConnections();
      await new Promise((resolve) => silent.server.close(resolve));
    }
  });
});

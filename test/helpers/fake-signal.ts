import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

/** The bot's own account: a number from a range never given to anyone. */
export const BOT_NUMBER = "+15555550100";

export interface SignalSent {
  recipient: string;
  message: string;
  attachments: { mime: string; name: string; bytes: Buffer }[];
  timestamp: number;
  /** Set on an edit: the timestamp of the message it changes. */
  editOf?: number;
}

type Failure =
  | { kind: "rate-limit" }
  | { kind: "unregistered" }
  | { kind: "untrusted" }
  | { kind: "server" };

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString("utf8");
  return raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
}

function reply(res: ServerResponse, status: number, body?: unknown, type = "application/json"): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  res.writeHead(status, { "content-type": type }).end(typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body));
}

export type FakeMode = "normal" | "native" | "json-rpc";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * signal-cli-rest-api as the bot sees it, on 127.0.0.1: json-rpc mode's
 * receive WebSocket or normal mode's receive polling, `/v2/send` with either
 * reply shape, typing, remote delete, contacts, identities, attachments and
 * health, and the API's error bodies: 400 `{"error"}`, 429 with
 * `challenge_tokens`.
 *
 * Receiving follows the real thing. Normal/native mode runs `signal-cli
 * receive -t T --max-messages N` per call, one at a time per account: it
 * takes (acknowledges) each envelope as it comes, returns after T seconds
 * without one or at N, and a batch whose caller has gone is lost. json-rpc
 * mode pushes each envelope to the WebSockets connected at that moment and
 * drops it when there is none.
 */
export class FakeSignal {
  readonly sent: SignalSent[] = [];
  readonly typing: { recipient: string; on: boolean }[] = [];
  readonly expirations = new Map<string, number>();
  readonly deleted: { recipient: string; timestamp: number }[] = [];
  readonly trusted: string[] = [];
  /** Recipients whose identity key changed: every send to them fails until their identity is trusted, as in signal-cli. */
  readonly changedIdentities = new Set<string>();
  /** When set, setting a disappearing timer and deleting a file fail as signal-cli does when it is stuck. */
  failHousekeeping = false;
  readonly attachments = new Map<string, { mime: string; bytes: Buffer }>();
  readonly deletedAttachments: string[] = [];
  /** "object" answers `{timestamp}` like release 0.100; "array" like later commits. */
  sendReply: "object" | "array" = "object";
  #server: Server | undefined;
  #wss = new WebSocketServer({ noServer: true, autoPong: false });
  #sockets = new Set<WebSocket>();
  #queued: string[] = [];
  #failures: { recipient?: string; failure: Failure }[] = [];
  #clock = Date.now();
  #pollWaiters: (() => void)[] = [];
  /** One receive per account at a time, as signal-cli's lock on its data folder. */
  #lock: Promise<void> = Promise.resolve();
  #stopped = false;
  down = false;
  /** What `/v1/about` reports; the receive endpoint behaves accordingly. */
  mode: FakeMode;
  /** The start of each signal-cli process in normal/native mode (the JVM's, in normal mode). */
  startupMs: number;
  /** signal-cli-rest-api's `SIGNAL_CLI_CMD_TIMEOUT`: a command running longer is killed. */
  commandTimeoutMs = 120_000;
  /** Envelopes signal-cli took but nobody got: written to a caller that had gone, or a killed receive. */
  readonly lost: string[] = [];
  /** Envelopes json-rpc mode dropped because no WebSocket was connected. */
  readonly dropped: string[] = [];
  /** Receives served, and the most at once. */
  receives = 0;
  #receiving = 0;
  maxConcurrentReceives = 0;
  /** Query strings of the receive calls, for checking what the bot asked for. */
  readonly receiveQueries: URLSearchParams[] = [];
  /** Sockets that stopped answering (a half-open connection): nothing reaches them, pings go unanswered. */
  readonly #silent = new Set<WebSocket>();
  /** Delays `/v2/send` to a recipient, as a slow network or server would. */
  readonly slowSends = new Map<string, number>();

  constructor(options: { mode?: FakeMode; startupMs?: number } = {}) {
    this.mode = options.mode ?? "normal";
    this.startupMs = options.startupMs ?? 0;
  }

  get url(): string {
    const { port } = this.#server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async start(port = 0): Promise<this> {
    this.#server = createServer((req, res) => {
      void this.#handle(req, res).catch(() => reply(res, 500, { error: "internal error" }));
    });
    this.#server.on("upgrade", (req, socket, head) => {
      if (this.down || req.url !== `/v1/receive/${encodeURIComponent(BOT_NUMBER)}`) {
        socket.destroy();
        return;
      }
      if (this.mode !== "json-rpc") {
        // Normal mode has no WebSocket: the GET runs a receive and answers it as plain HTTP, so what it took is lost.
        this.lost.push(...this.#queued.splice(0));
        socket.end("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n\r\n[]");
        return;
      }
      this.#wss.handleUpgrade(req, socket, head, (ws) => {
        this.#sockets.add(ws);
        ws.on("ping", (data) => {
          if (!this.#silent.has(ws)) ws.pong(data);
        });
        ws.on("close", () => {
          this.#sockets.delete(ws);
          this.#silent.delete(ws);
        });
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(port, "127.0.0.1", resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const ws of this.#sockets) ws.terminate();
    this.#pollWaiters.splice(0).forEach((w) => w());
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server!.close(() => resolve()));
  }

  /** Closes every receive WebSocket, as a network drop or a container restart would. */
  dropConnections(): void {
    for (const ws of this.#sockets) ws.terminate();
  }

  /** Makes every open receive WebSocket silently dead: still open, but nothing passes either way. */
  silence(): void {
    for (const ws of this.#sockets) this.#silent.add(ws);
  }

  /** Open receive WebSockets that still answer. */
  get connections(): number {
    return this.#sockets.size - this.#silent.size;
  }

  failNext(failure: Failure, recipient?: string): void {
    this.#failures.push({ failure, recipient });
  }

  /** A person's message as signal-cli delivers it; returns the raw item and its timestamp. */
  /** Numbers people share with the bot (most hide theirs), by uuid. */
  readonly numbers = new Map<string, string>();

  incoming(uuid: string, text: string | undefined, attachments: { name: string; mime: string; bytes: Buffer }[] = []): { frame: string; timestamp: number } {
    const timestamp = ++this.#clock;
    const described = attachments.map((a) => {
      const id = `${randomUUID()}.bin`;
      this.attachments.set(id, { mime: a.mime, bytes: a.bytes });
      return { contentType: a.mime, filename: a.name, id, size: a.bytes.length, width: 0, height: 0, caption: null, uploadTimestamp: timestamp };
    });
    const frame = JSON.stringify({
      envelope: {
        source: this.numbers.get(uuid) ?? uuid, sourceNumber: this.numbers.get(uuid) ?? null, sourceUuid: uuid, sourceName: "", sourceDevice: 1, timestamp,
        serverReceivedTimestamp: timestamp, serverDeliveredTimestamp: timestamp,
        dataMessage: { timestamp, message: text ?? null, expiresInSeconds: 0, viewOnce: false, ...(described.length > 0 ? { attachments: described } : {}) },
      },
      account: BOT_NUMBER,
    });
    return { frame, timestamp };
  }

  /** An envelope reaches the account: normal mode holds it for the next receive; json-rpc mode pushes it to the WebSockets open now, or drops it. */
  deliver(frame: string): void {
    this.#queued.push(frame);
    this.#flush();
  }

  /** Delivers a person's message; returns its timestamp. */
  push(uuid: string, text?: string, attachments: { name: string; mime: string; bytes: Buffer }[] = []): number {
    const { frame, timestamp } = this.incoming(uuid, text, attachments);
    this.deliver(frame);
    return timestamp;
  }

  #flush(): void {
    this.#pollWaiters.splice(0).forEach((w) => w());
    if (this.mode !== "json-rpc") return;
    const live = [...this.#sockets];
    for (const frame of this.#queued.splice(0)) {
      // A silent socket takes the frame into a connection nobody reads: lost all the same.
      if (live.every((ws) => this.#silent.has(ws))) this.dropped.push(frame);
      for (const ws of live) if (!this.#silent.has(ws)) ws.send(frame);
    }
  }

  /** The next envelope, taken from the queue; undefined after `ms` without one. */
  async #next(ms: number): Promise<string | undefined> {
    if (this.#queued.length === 0 && ms > 0 && !this.#stopped) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        this.#pollWaiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
    return this.#queued.shift();
  }

  /** Normal/native mode's receive: one `signal-cli receive` behind the account's lock. */
  async #receive(url: URL, req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.receiveQueries.push(url.searchParams);
    const quiet = Number(url.searchParams.get("timeout") ?? "1");
    const max = Number(url.searchParams.get("max_messages") ?? "0");
    if (!Number.isInteger(quiet)) return reply(res, 400, { error: "Couldn't process request - timeout needs to be numeric!" });
    if (!Number.isInteger(max)) return reply(res, 400, { error: "Couldn't process request - max_messages needs to be numeric!" });
    const previous = this.#lock;
    let release!: () => void;
    this.#lock = new Promise((r) => (release = r));
    await previous;
    this.#receiving++;
    this.maxConcurrentReceives = Math.max(this.maxConcurrentReceives, this.#receiving);
    try {
      const killAt = Date.now() + this.commandTimeoutMs;
      await sleep(this.startupMs);
      const batch: string[] = [];
      while (!this.#stopped) {
        const left = killAt - Date.now();
        if (left <= 0) {
          this.lost.push(...batch);
          return reply(res, 400, { error: "process killed as timeout reached" });
        }
        const frame = await this.#next(Math.min(quiet * 1000, left));
        if (frame === undefined) {
          if (Date.now() < killAt) break;
          continue;
        }
        batch.push(frame);
        if (max > 0 && batch.length >= max) break;
      }
      this.receives++;
      if (res.destroyed || req.socket.destroyed) {
        this.lost.push(...batch);
        return;
      }
      // Normal mode answers an array as text/plain.
      return reply(res, 200, `[${batch.join(",")}]`, "text/plain; charset=utf-8");
    } finally {
      this.#receiving--;
      release();
    }
  }

  sentTo(recipient: string): SignalSent[] {
    return this.sent.filter((m) => m.recipient === recipient);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.down) {
      req.socket.destroy();
      return;
    }
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const path = decodeURIComponent(url.pathname);
    const method = req.method ?? "GET";
    const number = BOT_NUMBER;

    if (method === "GET" && path === "/v1/health") return reply(res, 204);
    if (method === "GET" && path === "/v1/about") return reply(res, 200, { versions: ["v1", "v2"], build: 2, mode: this.mode, version: "0.100", capabilities: { v2_send: ["quotes", "mentions"] } });
    if (method === "GET" && path === `/v1/receive/${number}`) {
      if (this.mode === "json-rpc") return reply(res, 400, { error: "websocket: the client is not using the websocket protocol: 'upgrade' token not found in 'Connection' header" });
      return this.#receive(url, req, res);
    }
    if (method === "POST" && path === "/v2/send") {
      const body = await readJson(req);
      if (body.number !== number) return reply(res, 400, { error: "Couldn't process request - please provide a valid number" });
      const recipients = body.recipients;
      if (!Array.isArray(recipients) || recipients.length === 0) return reply(res, 400, { error: "Couldn't process request - please provide at least one recipient" });
      const recipient = String(recipients[0]);
      if (this.changedIdentities.has(recipient)) return reply(res, 400, { error: `Untrusted Identity for "${recipient}"` });
      const failureAt = this.#failures.findIndex((f) => f.recipient === undefined || f.recipient === recipient);
      if (failureAt >= 0) {
        const [{ failure }] = this.#failures.splice(failureAt, 1) as [{ failure: Failure }];
        if (failure.kind === "rate-limit") return reply(res, 429, { error: "Failed to send message due to rate limiting", challenge_tokens: ["chal-token-1"], account: number });
        // Later commits answer 201 and name the recipients the message did not reach.
        if (failure.kind === "unregistered" && this.sendReply === "array") {
          return reply(res, 201, [{ timestamp: String(++this.#clock), errors: { recipients: [{ uuid: recipient, reason: "UNREGISTERED_FAILURE" }] } }]);
        }
        if (failure.kind === "unregistered") return reply(res, 400, { error: `Failed to send message: ${recipient}: Unregistered user` });
        if (failure.kind === "untrusted") return reply(res, 400, { error: `Untrusted Identity for "${recipient}"` });
        return reply(res, 500, { error: "signal-cli is not responding" });
      }
      const attachments = (Array.isArray(body.base64_attachments) ? body.base64_attachments : []).map((a: unknown) => {
        const match = /^data:([^;]+);(?:filename=([^;]+);)?base64,(.*)$/s.exec(String(a));
        return { mime: match?.[1] ?? "application/octet-stream", name: match?.[2] ?? "attachment", bytes: Buffer.from(match?.[3] ?? String(a), "base64") };
      });
      const slow = this.slowSends.get(recipient);
      if (slow) await sleep(slow);
      const timestamp = ++this.#clock;
      this.sent.push({
        recipient, message: typeof body.message === "string" ? body.message : "", attachments, timestamp,
        ...(typeof body.edit_timestamp === "number" ? { editOf: body.edit_timestamp } : {}),
      });
      return reply(res, 201, this.sendReply === "array" ? [{ timestamp: String(timestamp) }] : { timestamp: String(timestamp) });
    }
    if (path === `/v1/typing-indicator/${number}` && (method === "PUT" || method === "DELETE")) {
      const body = await readJson(req);
      this.typing.push({ recipient: String(body.recipient), on: method === "PUT" });
      return reply(res, 204);
    }
    if (method === "DELETE" && path === `/v1/remote-delete/${number}`) {
      const body = await readJson(req);
      this.deleted.push({ recipient: String(body.recipient), timestamp: Number(body.timestamp) });
      return reply(res, 201, { timestamp: String(++this.#clock) });
    }
    if (method === "PUT" && path === `/v1/contacts/${number}`) {
      const body = await readJson(req);
      if (typeof body.recipient !== "string") return reply(res, 400, { error: "Couldn't process request - recipient missing" });
      if (this.failHousekeeping) return reply(res, 400, { error: "Couldn't update contact: signal-cli is not responding" });
      this.expirations.set(body.recipient, Number(body.expiration_in_seconds ?? 0));
      return reply(res, 204);
    }
    const trust = new RegExp(`^/v1/identities/${number.replace("+", "\\+")}/trust/(.+)$`).exec(path);
    if (method === "PUT" && trust) {
      this.trusted.push(trust[1]!);
      this.changedIdentities.delete(decodeURIComponent(trust[1]!));
      return reply(res, 204);
    }
    const attachment = /^\/v1\/attachments\/(.+)$/.exec(path);
    if (attachment) {
      const stored = this.attachments.get(attachment[1]!);
      if (!stored) return reply(res, 400, { error: "Couldn't find attachment" });
      if (method === "GET") return reply(res, 200, stored.bytes, stored.mime);
      if (method === "DELETE") {
        if (this.failHousekeeping) return reply(res, 500, { error: "Couldn't delete attachment" });
        this.attachments.delete(attachment[1]!);
        this.deletedAttachments.push(attachment[1]!);
        return reply(res, 204);
      }
    }
    return reply(res, 404, { error: "Not found" });
  }
}

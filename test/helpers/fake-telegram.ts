import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Update } from "grammy/types";
import { parseMultipart, readBody } from "../../src/transports/virtual/multipart.js";

/** A parameter as sent, when it is text; anything else reads as empty. */
const str = (value: unknown): string => (typeof value === "string" ? value : "");

/** A bot token that only this fake accepts; it is no real token. */
export const FAKE_TOKEN = "123456:fake-token-for-tests-only-000000";

export interface SentMessage {
  chatId: number;
  messageId: number;
  text: string;
  buttons: { text: string; callback_data?: string; url?: string }[][];
  copyOf?: { chatId: number; messageId: number };
  file?: { name: string; bytes: Buffer };
}

interface Failure {
  method: string;
  chatId?: number;
  code: number;
  description: string;
  retryAfter?: number;
  times: number;
}

const BOT_USER = {
  id: 123456, is_bot: true, first_name: "Test desk", username: "test_desk_bot",
  can_join_groups: false, can_read_all_group_messages: false, supports_inline_queries: false,
};

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  const buffer = await readBody(req);
  const type = req.headers["content-type"] ?? "";
  if (type.startsWith("multipart/form-data")) {
    const out: Record<string, unknown> = {};
    const parts = parseMultipart(buffer, type);
    for (const part of parts) out[part.name] = part.filename === undefined ? part.data.toString("utf8") : { name: part.filename, bytes: part.data };
    for (const [key, value] of Object.entries(out)) {
      if (typeof value === "string" && value.startsWith("attach://")) out[key] = out[value.slice("attach://".length)];
    }
    return out;
  }
  const raw = buffer.toString("utf8");
  if (!raw) return {};
  if (type.includes("application/json")) return JSON.parse(raw) as Record<string, unknown>;
  return Object.fromEntries(new URLSearchParams(raw));
}

/**
 * The Telegram Bot API as a bot sees it, on 127.0.0.1: `getUpdates` long
 * polling, sending and editing messages, and the real error shapes: 401 for a
 * wrong token, 400 for unknown chats, 429 with `retry_after`, 403 when a user
 * blocked the bot.
 */
export class FakeTelegram {
  readonly sent: SentMessage[] = [];
  /** Chats that got at least one message. */
  readonly reached = new Set<number>();
  readonly calls: { method: string; at: number; chatId?: number }[] = [];
  readonly callbackAnswers: { id: string; text?: string }[] = [];
  webhook: { url: string; secret?: string } | undefined;
  #server: Server | undefined;
  #queue: Update[] = [];
  #nextUpdateId = 1;
  #nextMessageId = new Map<number, number>();
  #waiters: (() => void)[] = [];
  #failures: Failure[] = [];
  #blocked = new Set<number>();
  /** Groups the bot is a member of (negative chat ids). */
  #groups = new Set<number>();
  /** When set, more than this many messages in any second are answered 429, as Telegram does. */
  perSecond: number | undefined;
  /** How many 429s were answered, with when. */
  readonly tooMany: number[] = [];
  #recent: number[] = [];
  /**
   * Told of each sendMessage as it is recorded, with how many messages have
   * been; returning true leaves it unanswered (to kill the bot while it waits).
   */
  onSendMessage: ((count: number) => boolean) | undefined;
  /** Files people sent, by file_id, downloadable through getFile. */
  readonly files = new Map<string, Buffer>();

  get apiRoot(): string {
    const { port } = this.#server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      void this.#handle(req).then(([status, payload]) => {
        if (Buffer.isBuffer(payload)) res.writeHead(status, { "content-type": "application/octet-stream" }).end(payload);
        else res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(payload));
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, "127.0.0.1", resolve));
    return this;
  }

  async stop(): Promise<void> {
    this.#waiters.splice(0).forEach((w) => w());
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => this.#server!.close(() => resolve()));
  }

  /** Queues an update as Telegram would deliver it. */
  push(update: Omit<Update, "update_id">): void {
    // Telegram lets a bot write to a group only while it is a member.
    const member = update.my_chat_member;
    if (member && member.chat.type !== "private") {
      if (member.new_chat_member.status === "member" || member.new_chat_member.status === "administrator") this.#groups.add(member.chat.id);
      else this.#groups.delete(member.chat.id);
    }
    this.#queue.push({ update_id: this.#nextUpdateId++, ...update });
    this.#waiters.splice(0).forEach((w) => w());
  }

  /** Makes the next `times` calls of a method (optionally to one chat) fail like Telegram does. */
  fail(failure: Omit<Failure, "times"> & { times?: number }): void {
    this.#failures.push({ times: 1, ...failure });
  }

  block(chatId: number): void {
    this.#blocked.add(chatId);
  }

  sentTo(chatId: number): SentMessage[] {
    return this.sent.filter((m) => m.chatId === chatId);
  }

  /** Resolves once `predicate` holds, polling briefly; rejects after `ms`. */
  async until(predicate: () => boolean, ms = 10_000): Promise<void> {
    const started = Date.now();
    while (!predicate()) {
      if (Date.now() - started > ms) throw new Error("timed out waiting for the bot");
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** A private chat, or a group the bot is in. */
  #reachable(chatId: number | undefined): chatId is number {
    return chatId !== undefined && Number.isSafeInteger(chatId) && (chatId > 0 || this.#groups.has(chatId));
  }

  async #handle(req: IncomingMessage): Promise<[number, unknown]> {
    const download = /^\/file\/bot([^/]+)\/files\/(.+)$/.exec(req.url ?? "");
    if (download) {
      if (download[1] !== FAKE_TOKEN) return [401, { ok: false, error_code: 401, description: "Unauthorized" }];
      const file = this.files.get(decodeURIComponent(download[2]!));
      return file ? [200, file] : [404, { ok: false, error_code: 404, description: "Not Found" }];
    }
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? "");
    if (!match) return [404, { ok: false, error_code: 404, description: "Not Found" }];
    if (match[1] !== FAKE_TOKEN) return [401, { ok: false, error_code: 401, description: "Unauthorized" }];
    const method = match[2]!;
    const params = await body(req);
    const chatId = params.chat_id === undefined ? undefined : Number(params.chat_id);
    this.calls.push({ method, at: Date.now(), ...(chatId === undefined ? {} : { chatId }) });

    const failure = this.#failures.find((f) => f.method === method && (f.chatId === undefined || f.chatId === chatId));
    if (failure) {
      if (--failure.times <= 0) this.#failures.splice(this.#failures.indexOf(failure), 1);
      return [failure.code, {
        ok: false, error_code: failure.code, description: failure.description,
        ...(failure.retryAfter !== undefined ? { parameters: { retry_after: failure.retryAfter } } : {}),
      }];
    }
    if (this.perSecond !== undefined && method === "sendMessage") {
      const now = Date.now();
      while (this.#recent.length > 0 && this.#recent[0]! <= now - 1000) this.#recent.shift();
      if (this.#recent.length >= this.perSecond) {
        this.tooMany.push(now);
        return [429, { ok: false, error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } }];
      }
      this.#recent.push(now);
    }
    if (chatId !== undefined && this.#blocked.has(chatId)) {
      return [403, { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" }];
    }

    switch (method) {
      case "getMe":
        return [200, { ok: true, result: BOT_USER }];
      case "deleteWebhook":
        this.webhook = undefined;
        return [200, { ok: true, result: true }];
      case "setWebhook":
        this.webhook = { url: String(params.url), secret: params.secret_token as string | undefined };
        return [200, { ok: true, result: true }];
      case "getUpdates": {
        if (this.webhook) return [409, { ok: false, error_code: 409, description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first" }];
        const offset = Number(params.offset ?? 0);
        this.#queue = this.#queue.filter((u) => u.update_id >= offset);
        if (this.#queue.length === 0) {
          const timeout = Math.min(Number(params.timeout ?? 0), 1) * 1000;
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, timeout);
            this.#waiters.push(() => { clearTimeout(timer); resolve(); });
          });
        }
        return [200, { ok: true, result: this.#queue.slice(0, Number(params.limit ?? 100)) }];
      }
      case "sendMessage": {
        if (!this.#reachable(chatId)) return [400, { ok: false, error_code: 400, description: "Bad Request: chat not found" }];
        const text = str(params.text);
        if (text.length === 0) return [400, { ok: false, error_code: 400, description: "Bad Request: message text is empty" }];
        if (text.length > 4096) return [400, { ok: false, error_code: 400, description: "Bad Request: message is too long" }];
        const messageId = (this.#nextMessageId.get(chatId) ?? 0) + 1;
        this.#nextMessageId.set(chatId, messageId);
        const markup = params.reply_markup as { inline_keyboard?: SentMessage["buttons"] } | undefined;
        this.sent.push({ chatId, messageId, text, buttons: markup?.inline_keyboard ?? [] });
        this.reached.add(chatId);
        if (this.onSendMessage?.(this.sent.length)) return new Promise<never>(() => {});
        return [200, { ok: true, result: { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: "private" }, from: BOT_USER, text, ...(markup ? { reply_markup: markup } : {}) } }];
      }
      case "copyMessage": {
        if (!this.#reachable(chatId)) return [400, { ok: false, error_code: 400, description: "Bad Request: chat not found" }];
        const messageId = (this.#nextMessageId.get(chatId) ?? 0) + 1;
        this.#nextMessageId.set(chatId, messageId);
        this.sent.push({ chatId, messageId, text: "", buttons: [], copyOf: { chatId: Number(params.from_chat_id), messageId: Number(params.message_id) } });
        return [200, { ok: true, result: { message_id: messageId } }];
      }
      case "getFile": {
        const id = str(params.file_id);
        if (!this.files.has(id)) return [400, { ok: false, error_code: 400, description: "Bad Request: invalid file_id" }];
        return [200, { ok: true, result: { file_id: id, file_unique_id: id, file_size: this.files.get(id)!.length, file_path: `files/${id}` } }];
      }
      case "sendDocument":
      case "sendPhoto": {
        if (!this.#reachable(chatId)) return [400, { ok: false, error_code: 400, description: "Bad Request: chat not found" }];
        const file = params[method === "sendPhoto" ? "photo" : "document"] as { name: string; bytes: Buffer } | undefined;
        if (!file?.bytes) return [400, { ok: false, error_code: 400, description: "Bad Request: there is no document in the request" }];
        const messageId = (this.#nextMessageId.get(chatId) ?? 0) + 1;
        this.#nextMessageId.set(chatId, messageId);
        this.sent.push({ chatId, messageId, text: str(params.caption), buttons: [], file });
        return [200, { ok: true, result: { message_id: messageId, date: 0, chat: { id: chatId, type: "private" } } }];
      }
      case "answerCallbackQuery":
        this.callbackAnswers.push({ id: String(params.callback_query_id), text: params.text as string | undefined });
        return [200, { ok: true, result: true }];
      case "leaveChat":
        if (chatId !== undefined) this.#groups.delete(chatId);
        return [200, { ok: true, result: true }];
      case "sendChatAction":
      case "setMyCommands":
        return [200, { ok: true, result: true }];
      default:
        return [404, { ok: false, error_code: 404, description: "Not Found: method not found" }];
    }
  }
}

let nextMessageId = 1;

/** A text message from a person in a private chat, as Telegram delivers it. */
export function textUpdate(user: { id: number; language_code?: string }, text: string): Omit<Update, "update_id"> {
  const command = /^\/\w+/.exec(text);
  return {
    message: {
      message_id: nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: user.id, type: "private", first_name: "Test" },
      from: { id: user.id, is_bot: false, first_name: "Test", ...(user.language_code ? { language_code: user.language_code } : {}) },
      text,
      ...(command ? { entities: [{ type: "bot_command", offset: 0, length: command[0].length }] } : {}),
    },
  };
}

export function callbackUpdate(user: { id: number }, data: string, messageId: number): Omit<Update, "update_id"> {
  return {
    callback_query: {
      id: `cq${nextMessageId++}`,
      from: { id: user.id, is_bot: false, first_name: "Test" },
      chat_instance: "1",
      data,
      message: { message_id: messageId, date: 0, chat: { id: user.id, type: "private", first_name: "Test" }, text: "" },
    },
  };
}

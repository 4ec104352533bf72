import type { UserFromGetMe } from "grammy/types";
import { BoundedMap } from "../../cache/bounded-map.js";
import { parseMultipart, readBody } from "./multipart.js";
import { DeliveryError, type Button, type Deliver, type OutgoingMessage } from "./types.js";

/** A Bot API text field as sent; anything else (absent, or a malformed value) reads as empty. */
const textOf = (value: unknown): string => (typeof value === "string" ? value : "");

/** The bot as it introduces itself on messengers that have no Bot API. */
export const VIRTUAL_BOT: UserFromGetMe = {
  id: 1,
  is_bot: true,
  first_name: "notice-desk",
  username: "notice_desk_bot",
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
} as UserFromGetMe;

type Payload = Record<string, unknown>;

function buttonsOf(markup: unknown): Button[][] {
  const rows = (markup as { inline_keyboard?: unknown } | undefined)?.inline_keyboard;
  if (!Array.isArray(rows)) return [];
  return rows.map((row: unknown[]) =>
    row.map((b) => {
      const button = b as { text?: unknown; callback_data?: unknown; url?: unknown };
      return {
        text: textOf(button.text),
        ...(typeof button.callback_data === "string" ? { data: button.callback_data } : {}),
        ...(typeof button.url === "string" ? { url: button.url } : {}),
      };
    }),
  );
}

/** grammY sends uploads as octet-stream; a messenger that shows images needs to know one is. */
function mimeOf(name: string, sent: string | undefined): string {
  if (sent && sent !== "application/octet-stream") return sent;
  const ext = /\.([a-z0-9]{1,5})$/i.exec(name)?.[1]?.toLowerCase();
  return ({ png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", pdf: "application/pdf", txt: "text/plain" } as Record<string, string>)[ext ?? ""] ?? "application/octet-stream";
}

/** Reads grammY's multipart upload: fields as values, files as `{ name, mime, bytes }`. */
async function formPayload(init: RequestInit): Promise<Payload> {
  const headers = new Headers(init.headers);
  const parts = parseMultipart(await readBody(init.body as AsyncIterable<Uint8Array>), headers.get("content-type") ?? "");
  const payload: Payload = {};
  const files = new Map<string, { name: string; mime: string; bytes: Uint8Array }>();
  for (const part of parts) {
    if (part.filename === undefined) payload[part.name] = part.data.toString("utf8");
    else files.set(part.name, { name: part.filename, mime: mimeOf(part.filename, part.contentType), bytes: new Uint8Array(part.data) });
  }
  // grammY names the file part and points to it as "attach://<name>".
  for (const [key, value] of Object.entries(payload)) {
    const ref = typeof value === "string" && value.startsWith("attach://") ? files.get(value.slice("attach://".length)) : undefined;
    if (ref) payload[key] = ref;
  }
  return payload;
}

/** grammY only reads `json()` of a response: no need to serialize what is parsed right back. */
function json(body: unknown): Response {
  return { ok: true, status: 200, json: () => Promise.resolve(body) } as unknown as Response;
}

/**
 * A stand-in for the Bot API, plugged into grammY as its `client.fetch`. It
 * turns the bot's API calls into `Outgoing` events for a messenger that has
 * no Bot API (Signal, the console, tests) and answers like the Bot API would,
 * so the same application runs unchanged on every transport.
 */
export class VirtualBotApi {
  #nextMessageId = new Map<number, number>();
  /** Recent messages, for edits; bounded, oldest dropped first (only recent ones get edited). */
  #texts = new BoundedMap<string, OutgoingMessage>(2000);

  #keep(key: string, message: OutgoingMessage): void {
    this.#texts.delete(key);
    this.#texts.set(key, message);
  }

  constructor(private readonly deliver: Deliver, private readonly me: UserFromGetMe = VIRTUAL_BOT) {}

  /** The `fetch` to hand to grammY: `new Bot(token, { client: { fetch: api.fetch } })`. */
  readonly fetch = (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = String(input instanceof Request ? input.url : input);
    const method = url.slice(url.lastIndexOf("/") + 1);
    let payload: Payload = {};
    if (typeof init?.body === "string") payload = JSON.parse(init.body) as Payload;
    else if (init?.body) payload = await formPayload(init);
    try {
      return json({ ok: true, result: await this.call(method, payload) });
    } catch (error) {
      if (!(error instanceof DeliveryError)) throw error;
      return json({
        ok: false,
        error_code: error.errorCode,
        description: error.description,
        ...(error.retryAfter !== undefined ? { parameters: { retry_after: error.retryAfter } } : {}),
      });
    }
  }) as typeof fetch;

  #chatId(payload: Payload): number {
    const id = Number(payload.chat_id);
    if (!Number.isSafeInteger(id)) throw new DeliveryError(400, "Bad Request: chat not found");
    return id;
  }

  #message(chatId: number, messageId: number, text: string, markup: unknown): OutgoingMessage {
    return { chatId, messageId, text, buttons: buttonsOf(markup) };
  }

  #asBotApiMessage(m: OutgoingMessage) {
    return {
      message_id: m.messageId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: m.chatId, type: "private" as const, first_name: "" },
      from: this.me,
      text: m.text,
      ...(m.buttons.length > 0
        ? { reply_markup: { inline_keyboard: m.buttons.map((r) => r.map((b) => ({ text: b.text, ...(b.data ? { callback_data: b.data } : {}), ...(b.url ? { url: b.url } : {}) }))) } }
        : {}),
    };
  }

  async call(method: string, payload: Payload): Promise<unknown> {
    switch (method) {
      case "getMe":
        return this.me;
      case "sendMessage": {
        const chatId = this.#chatId(payload);
        const messageId = (this.#nextMessageId.get(chatId) ?? 0) + 1;
        const message = this.#message(chatId, messageId, textOf(payload.text), payload.reply_markup);
        await this.deliver({ type: "message", message });
        this.#nextMessageId.set(chatId, messageId);
        this.#keep(`${chatId}:${messageId}`, message);
        return this.#asBotApiMessage(message);
      }
      case "sendDocument":
      case "sendPhoto": {
        const chatId = this.#chatId(payload);
        const file = payload[method === "sendPhoto" ? "photo" : "document"] as { name: string; mime: string; bytes: Uint8Array } | undefined;
        if (!file || !(file.bytes instanceof Uint8Array)) throw new DeliveryError(400, "Bad Request: there is no file in the request");
        const messageId = (this.#nextMessageId.get(chatId) ?? 0) + 1;
        const message: OutgoingMessage = {
          chatId, messageId, text: textOf(payload.caption), buttons: [],
          file: { ...file, kind: method === "sendPhoto" ? "photo" : "document" },
        };
        await this.deliver({ type: "message", message });
        this.#nextMessageId.set(chatId, messageId);
        return { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: "private" } };
      }
      case "copyMessage": {
        const chatId = this.#chatId(payload);
        const messageId = (this.#nextMessageId.get(chatId) ?? 0) + 1;
        const message: OutgoingMessage = {
          chatId, messageId, text: textOf(payload.caption), buttons: [],
          copyOf: { chatId: Number(payload.from_chat_id), messageId: Number(payload.message_id) },
        };
        await this.deliver({ type: "message", message });
        this.#nextMessageId.set(chatId, messageId);
        return { message_id: messageId };
      }
      case "editMessageText":
      case "editMessageReplyMarkup": {
        const chatId = this.#chatId(payload);
        const messageId = Number(payload.message_id);
        const previous = this.#texts.get(`${chatId}:${messageId}`);
        if (!previous) throw new DeliveryError(400, "Bad Request: message to edit not found");
        const text = method === "editMessageText" ? textOf(payload.text) : previous.text;
        const message = this.#message(chatId, messageId, text, payload.reply_markup);
        await this.deliver({ type: "edit", message });
        this.#keep(`${chatId}:${messageId}`, message);
        return this.#asBotApiMessage(message);
      }
      case "deleteMessage": {
        const chatId = this.#chatId(payload);
        const messageId = Number(payload.message_id);
        await this.deliver({ type: "delete", chatId, messageId });
        this.#texts.delete(`${chatId}:${messageId}`);
        return true;
      }
      case "sendChatAction":
        await this.deliver({ type: "typing", chatId: this.#chatId(payload) });
        return true;
      case "answerCallbackQuery": {
        const text = payload.text;
        const chatId = Number(String(payload.callback_query_id).split(":")[0]);
        if (typeof text === "string" && text.length > 0 && Number.isSafeInteger(chatId)) {
          await this.deliver({ type: "notice", chatId, text });
        }
        return true;
      }
      case "setMyCommands":
      case "deleteWebhook":
      case "leaveChat":
        return true;
      default:
        throw new DeliveryError(400, `Bad Request: method ${method} is not available on this messenger`);
    }
  }
}

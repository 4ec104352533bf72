import type { Bot } from "grammy";
import type { BotContext } from "../bot/context.js";
import { createBot, dispatch } from "../bot/app.js";
import type { AppDeps } from "../bot/deps.js";
import { numericChats } from "../bot/route.js";
import { VirtualBotApi } from "./virtual/api.js";
import { choicesOf } from "./virtual/choices.js";
import type { DeliveryError, Outgoing, OutgoingMessage } from "./virtual/types.js";
import { UpdateFactory, type VirtualUser } from "./virtual/updates.js";

/** One person in an in-memory chat: what they send, and everything the bot showed them. */
export class MemoryUser {
  /** Messages in the order the bot sent them (edits replace in place). */
  readonly messages: OutgoingMessage[] = [];
  /** Short notices (callback answers). */
  readonly notices: string[] = [];

  constructor(private readonly chat: MemoryTransport, readonly user: VirtualUser) {}

  /** Sends text and returns what the bot sent back while handling it. */
  async send(text: string): Promise<OutgoingMessage[]> {
    return this.chat.dispatch(this, this.chat.updates.text(this.user, text));
  }

  /** Sends a document (kept by the transport, as a messenger's server would) and returns the replies. */
  async sendFile(name: string, bytes: Uint8Array, mime = "application/pdf"): Promise<OutgoingMessage[]> {
    const fileId = `file-${this.chat.files.size + 1}-${this.user.id}`;
    this.chat.files.set(fileId, bytes);
    return this.chat.dispatch(this, this.chat.updates.document(this.user, { fileId, name, mime, size: bytes.length }));
  }

  /** Presses the button with this label (or callback data) on the latest message that has it. */
  async press(label: string): Promise<OutgoingMessage[]> {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const message = this.messages[i]!;
      const button = choicesOf(message).find((b) => b.text === label || b.data === label);
      if (button?.data !== undefined) return this.pressData(button.data, message.messageId);
    }
    throw new Error(`no button "${label}" in this chat`);
  }

  /** Sends raw callback data, as a forged or stale button would. */
  async pressData(data: string, messageId = this.last()?.messageId ?? 1): Promise<OutgoingMessage[]> {
    return this.chat.dispatch(this, this.chat.updates.callback(this.user, data, messageId));
  }

  last(): OutgoingMessage | undefined {
    return this.messages.at(-1);
  }

  /** Labels of the buttons on the latest message. */
  buttons(): string[] {
    return (this.last()?.buttons ?? []).flat().map((b) => b.text);
  }
}

/**
 * The application driven entirely in memory: updates are built as the
 * Telegram Bot API would send them, replies come back through `client.fetch`.
 * Tests and benchmarks use it; nothing here is a mock of the application.
 */
export class MemoryTransport {
  readonly updates = new UpdateFactory();
  readonly bot: Bot<BotContext>;
  readonly #users = new Map<number, MemoryUser>();
  /** Files people "uploaded", by file id. */
  readonly files = new Map<string, Uint8Array>();
  /** File ids the application said it was done with. */
  readonly released: string[] = [];
  readonly #failures = new Map<number, DeliveryError[]>();
  /** Replies gathered per chat while an update from that chat is handled. */
  readonly #collecting = new Map<number, OutgoingMessage[]>();

  /** Makes the next deliveries to a chat fail as the Bot API would (429, 403…). */
  /** Deliveries to this chat take `ms` (a slow messenger or a big file): nothing else should wait for them. */
  slow(chatId: number, ms: number): void {
    this.#slow.set(chatId, ms);
  }
  readonly #slow = new Map<number, number>();

  failNext(chatId: number, ...errors: DeliveryError[]): void {
    this.#failures.set(chatId, [...(this.#failures.get(chatId) ?? []), ...errors]);
  }

  /** `retain: false` keeps only each person's latest message, for long runs such as benchmarks. */
  constructor(readonly deps: AppDeps, readonly messenger = "memory", private readonly retain = true) {
    const api = new VirtualBotApi((out) => this.#deliver(out));
    this.bot = createBot(deps, {
      messenger,
      token: "memory",
      client: { fetch: api.fetch },
      route: {
        ...numericChats,
        canCopy: true,
        download: (file) => {
          const bytes = this.files.get(file.fileId);
          if (!bytes) return Promise.reject(new Error("no such file"));
          return Promise.resolve({ bytes, name: file.name, mime: file.mime });
        },
        release: (file) => {
          this.released.push(file.fileId);
          return Promise.resolve();
        },
      },
    });
  }

  #deliver(out: Outgoing): Promise<void> {
    const chatId = out.type === "message" || out.type === "edit" ? out.message.chatId : out.chatId;
    const wait = this.#slow.get(chatId);
    if (wait) return new Promise((resolve) => setTimeout(resolve, wait)).then(() => this.#arrive(out, chatId));
    return this.#arrive(out, chatId);
  }

  #arrive(out: Outgoing, chatId: number): Promise<void> {
    const failure = this.#failures.get(chatId)?.shift();
    if (failure) return Promise.reject(failure);
    const user = this.#users.get(chatId);
    if (!user) return Promise.resolve();
    if (out.type === "message") {
      if (!this.retain) user.messages.length = 0;
      user.messages.push(out.message);
      this.#collecting.get(chatId)?.push(out.message);
    } else if (out.type === "edit") {
      const i = user.messages.findIndex((m) => m.messageId === out.message.messageId);
      if (i >= 0) user.messages[i] = out.message;
    } else if (out.type === "notice") {
      user.notices.push(out.text);
    }
    return Promise.resolve();
  }

  user(user: VirtualUser): MemoryUser {
    let existing = this.#users.get(user.id);
    if (!existing) {
      existing = new MemoryUser(this, user);
      this.#users.set(user.id, existing);
    }
    return existing;
  }

  async dispatch(user: MemoryUser, update: Parameters<Bot<BotContext>["handleUpdate"]>[0]): Promise<OutgoingMessage[]> {
    await this.bot.init();
    const collected: OutgoingMessage[] = [];
    this.#collecting.set(user.user.id, collected);
    try {
      await dispatch(this.bot, update);
    } finally {
      this.#collecting.delete(user.user.id);
    }
    return collected;
  }
}

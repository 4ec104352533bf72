import { AsyncLocalStorage } from "node:async_hooks";
import { createHmac } from "node:crypto";
import { autoRetry } from "@grammyjs/auto-retry";
import { Api, type Bot } from "grammy";
import type WebSocket from "ws";
import { createBot, dispatch } from "../../bot/app.js";
import type { BotContext } from "../../bot/context.js";
import type { AppDeps } from "../../bot/deps.js";
import { loadLater } from "../../cache/load-later.js";
import type { FileRef } from "../../bot/route.js";
import type { Keyring } from "../../crypto/keyring.js";
import type { Store } from "../../db/open.js";
import { VirtualBotApi } from "../virtual/api.js";
import { ChoiceBook, choicesOf, renderWithChoices } from "../virtual/choices.js";
import { DeliveryError, type Outgoing, type OutgoingMessage } from "../virtual/types.js";
import { UpdateFactory, type VirtualUser } from "../virtual/updates.js";
import { SignalClient, SignalError } from "./client.js";
import { readEnvelope, type Incoming } from "./envelope.js";
import { SignalHeld, type HeldReply } from "./held.js";
import { SignalInbox } from "./inbox.js";
import { StartupError } from "../../config/startup-error.js";
import { cb } from "../../bot/keyboards.js";
import { BoundedMap } from "../../cache/bounded-map.js";

export interface SignalOptions {
  apiUrl: string;
  number: string;
  mode: "websocket" | "poll";
  /** Poll mode: seconds without an envelope after which a receive returns (`signal-cli receive -t`). */
  pollSeconds: number;
  /** Poll mode: envelopes after which a receive returns anyway (`--max-messages`). */
  pollMaxMessages: number;
  /** WebSocket mode: seconds between pings; a ping unanswered by the next one drops the connection. */
  heartbeatSeconds?: number;
  /** Disappearing-messages timer set on each chat (0 leaves it alone). */
  disappearingSeconds: number;
  /** Accept a person's new safety number and send anyway, or refuse. */
  /** What to do when a person's safety number changed (see `SIGNAL_NEW_SAFETY_NUMBERS`). */
  newSafetyNumbers: "hold" | "trust" | "refuse";
  /** Whether this chat's person has an open case: then a changed safety number is held, not trusted. */
  inCase?: (chatId: number) => boolean;
  /** Told once per change, when the bot starts holding messages to that chat. */
  onSafetyNumberHeld?: (chatId: number) => void;
  /** How long sending pauses after Signal's rate limit (default 60). */
  rateLimitPauseSeconds?: number;
  /** Called when sending is paused by Signal's rate limit (with the captcha challenge tokens). */
  onRateLimited?(tokens: string[]): void;
}

export interface SignalHealth {
  /** What `/v1/about` said: version and mode. */
  server: string | null;
  connected: boolean;
  lastError: string | null;
  pausedUntil: number | null;
  pendingEnvelopes: number;
  /** WebSocket mode: connections lost since start. */
  disconnects: number;
  /** WebSocket mode: time without a connection since start, during which json-rpc mode drops what arrives. */
  unconnectedMs: number;
  /** Disappearing timers that could not be set since start: those chats keep their messages. */
  timerFailures: number;
  /** Files that could not be deleted from signal-cli-rest-api since start: they stay in its store. */
  fileDeleteFailures: number;
}

/** Loaded with the first WebSocket connection. */
const webSocket = loadLater<typeof WebSocket>("ws");

const MAX_BACKOFF_MS = 30_000;
/** First wait before reconnecting or receiving again after a failure; doubles up to MAX_BACKOFF_MS. */
const FIRST_BACKOFF_MS = 200;
/** Handling this far behind, poll mode waits before taking more from signal-cli. */
const MAX_PENDING = 1000;

/** The server runs in a mode the configured receive mode cannot use. */
export class SignalModeError extends StartupError {
  override name = "SignalModeError";
  constructor(readonly wanted: SignalOptions["mode"], readonly serverMode: string) {
    super(wanted === "websocket"
      ? `SIGNAL_RECEIVE_MODE=websocket needs signal-cli-rest-api in json-rpc mode, but it runs in ${serverMode} mode: set SIGNAL_RECEIVE_MODE=poll, or MODE=json-rpc on the server`
      : `SIGNAL_RECEIVE_MODE=poll needs signal-cli-rest-api in normal or native mode, but it runs in ${serverMode} mode: set SIGNAL_RECEIVE_MODE=websocket, or MODE=native on the server`, 78);
  }
}

/** Longer texts reach Signal's apps as a file rather than a message. */
const SIGNAL_MAX_TEXT = 2000;

/** The length of messages joined into one, with their choices listed. */
const joinedLength = (messages: OutgoingMessage[]) => messages.reduce((n, m) => n + renderWithChoices(m).length + 2, 0);

/**
 * The bot on Signal through signal-cli-rest-api. Envelopes are stored before
 * they are handled and dropped when repeated; each becomes a Bot API update
 * for the one application, and its replies come back through grammY's
 * `client.fetch` as REST calls. People are known by their uuid, which is
 * never stored in clear: chats get a numeric id derived from it with a key.
 */
export class SignalTransport {
  readonly bot: Bot<BotContext>;
  readonly client: SignalClient;
  readonly #inbox: SignalInbox;
  /** Replies held by a rate-limit pause, durably; while any wait, new ones queue behind them. */
  readonly #heldReplies: SignalHeld;
  #heldCount = 0;
  #releaseTimer: NodeJS.Timeout | undefined;
  #releasing: Promise<void> | undefined;
  /** Set around broadcast calls: they are paced by their own runner, so a pause fails them instead of holding them. */
  readonly #bulk = new AsyncLocalStorage<true>();
  readonly #choices = new ChoiceBook(cb.menu("main"));
  readonly #updates = new UpdateFactory();
  readonly #chatKey: Buffer;
  // Filled again by `chatIdOf` on every message in or out, so bounded.
  readonly #uuids = new BoundedMap<number, string>(20_000);
  readonly #numbers = new BoundedMap<number, string>(20_000);
  readonly #timestamps = new BoundedMap<string, number>(10_000);
  readonly #timerSet = new BoundedMap<number, true>(20_000);
  readonly #claimed = new Set<string>();
  /** Chats whose own message is being handled: their plain lines wait to join the next message. */
  readonly #stepping = new Set<number>();
  readonly #lines = new Map<number, OutgoingMessage[]>();
  #socket: WebSocket | undefined;
  #running = false;
  /** One queue per person: someone slow to answer holds up only themselves. */
  readonly #queues = new Map<number, Promise<void>>();
  #backoff = FIRST_BACKOFF_MS;
  #reconnect: NodeJS.Timeout | undefined;
  /** The receive in progress in poll mode; `stop` waits for it rather than abandon what it carries. */
  #polling: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #serverChecked = false;
  /** Since when WebSocket mode has had no connection. */
  #unconnectedSince: number | null = null;
  /** Envelopes handled since start, for tests and `/health`. */
  handled = 0;
  readonly health: SignalHealth = { server: null, connected: false, lastError: null, pausedUntil: null, pendingEnvelopes: 0, disconnects: 0, unconnectedMs: 0, timerFailures: 0, fileDeleteFailures: 0 };

  constructor(private readonly deps: AppDeps, store: Store, keyring: Keyring, private readonly options: SignalOptions) {
    this.client = new SignalClient(options.apiUrl, options.number);
    this.#inbox = new SignalInbox(store.db, keyring, deps.now);
    this.#heldReplies = new SignalHeld(store.db, keyring, deps.now);
    this.#chatKey = keyring.derive("signal-chat");
    const api = new VirtualBotApi((out) => this.#deliver(out));
    this.bot = createBot(deps, {
      messenger: "signal",
      token: "signal",
      client: { fetch: api.fetch },
      route: {
        chatIdOf: (uuid) => this.chatIdOf(uuid),
        addressOf: (chatId) => this.#uuids.get(chatId) ?? String(chatId),
        aliasesOf: (chatId) => {
          const number = this.#numbers.get(chatId);
          return number ? [number] : [];
        },
        canCopy: false,
        editsInPlace: false,
        numbered: true,
        // Signal carries longer text as an attachment; relayed text is split well before that.
        maxText: SIGNAL_MAX_TEXT,
        trust: (chatId) => this.trust(chatId),
        claim: (file) => void this.#claimed.add(file.fileId),
        download: async (file: FileRef) => ({ bytes: await this.client.attachment(file.fileId), name: file.name, mime: file.mime }),
        release: async (file: FileRef) => {
          this.#claimed.delete(file.fileId);
          await this.#deleteFile(file.fileId);
        },
        // Broadcasts pace and retry themselves, behind the replies people are waiting for.
        bulkApi: new Api("signal", { fetch: (...args: Parameters<typeof api.fetch>) => this.#bulk.run(true, () => api.fetch(...args)) }),
      },
    });
    // A REST API that is briefly down, or rate-limits, is waited out rather than dropping replies.
    this.bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30, rethrowInternalServerErrors: false }));
  }

  /** The numeric chat id grammY uses for a uuid: a keyed hash, stable across restarts. */
  chatIdOf(uuid: string): number {
    const id = createHmac("sha256", this.#chatKey).update(uuid.toLowerCase()).digest().readUIntBE(0, 6) + 1;
    this.#uuids.set(id, uuid.toLowerCase());
    return id;
  }

  async #deliver(out: Outgoing): Promise<void> {
    const chatId = out.type === "message" || out.type === "edit" ? out.message.chatId : out.chatId;
    const uuid = this.#uuids.get(chatId);
    if (!uuid) throw new DeliveryError(400, "Bad Request: chat not found");
    const bulk = this.#bulk.getStore() === true;
    const paused = this.health.pausedUntil;
    if (paused !== null && paused > this.deps.now() && out.type !== "typing" && (bulk || out.type === "delete")) {
      throw new DeliveryError(429, "Too Many Requests: sending to Signal is paused", Math.ceil((paused - this.deps.now()) / 1000));
    }
    try {
      switch (out.type) {
        case "message":
        case "edit": {
          const file = out.message.file;
          // One message per step: a plain line (a confirmation) waits to go out with what follows it.
          let before = this.#lines.get(chatId);
          // Joined, they must still fit one Signal message: what would overflow goes out first, on its own.
          if (before && out.type === "message" && joinedLength([...before, out.message]) > SIGNAL_MAX_TEXT) {
            this.#lines.delete(chatId);
            await this.#sendOrHold(bulk, { uuid, chatId, text: before.map((m) => m.text).join("\n\n") });
            before = undefined;
          }
          if (out.type === "message" && !file && !bulk && this.#stepping.has(chatId) && choicesOf(out.message).length === 0) {
            this.#lines.set(chatId, [...(before ?? []), out.message]);
            return;
          }
          if (before && out.type === "message") {
            this.#lines.delete(chatId);
            out = { ...out, message: { ...out.message, text: [...before.map((m) => m.text), out.message.text].join("\n\n") } };
          }
          this.#choices.remember(out.message);
          // An edit changes the message people already have (Signal's edit_timestamp names it), as on Telegram.
          const original = out.type === "edit" && !file ? this.#timestamps.get(`${chatId}:${out.message.messageId}`) : undefined;
          return await this.#sendOrHold(bulk, {
            uuid, chatId, messageId: out.message.messageId, text: renderWithChoices(out.message), ...(file ? { file } : {}), ...(original ? { editOf: original } : {}),
          });
        }
        case "notice":
          return await this.#sendOrHold(bulk, { uuid, chatId, text: out.text });
        case "typing":
          await this.client.typing(uuid, true).catch(() => undefined);
          return;
        case "delete": {
          const timestamp = this.#timestamps.get(`${chatId}:${out.messageId}`);
          if (timestamp === undefined) throw new DeliveryError(400, "Bad Request: message to delete not found");
          await this.client.remoteDelete(uuid, timestamp);
          return;
        }
      }
    } catch (error) {
      throw this.#asBotApiError(error);
    }
  }

  async #send(reply: HeldReply): Promise<void> {
    const timestamp = await this.#withTrust(reply.uuid, reply.chatId, () => this.client.send(reply.uuid, reply.text, reply.file ? [reply.file] : [], reply.editOf));
    // Edits keep naming the first message: Signal edits refer to the original's timestamp.
    if (reply.messageId !== undefined && reply.editOf === undefined) this.#timestamps.set(`${reply.chatId}:${reply.messageId}`, timestamp);
  }

  #paused(): boolean {
    return this.health.pausedUntil !== null && this.health.pausedUntil > this.deps.now();
  }

  /**
   * Sends a reply, or during a rate-limit pause (or behind replies it held)
   * stores it to send once the pause is over: the handler goes on as if sent,
   * rather than waiting longer than anything retries or losing it.
   */
  async #sendOrHold(bulk: boolean, reply: HeldReply): Promise<void> {
    if (!bulk && (this.#heldCount > 0 || this.#paused())) return this.#hold(reply);
    try {
      await this.#send(reply);
    } catch (error) {
      if (bulk || !(error instanceof SignalError) || error.kind !== "rate-limited") throw error;
      this.#asBotApiError(error);
      this.#hold(reply);
    }
  }

  #hold(reply: HeldReply): void {
    this.#heldReplies.hold(reply);
    this.#heldCount++;
    this.#scheduleRelease();
  }

  #scheduleRelease(delayMs = Math.max(0, (this.health.pausedUntil ?? 0) - this.deps.now())): void {
    if (this.#releaseTimer || this.#releasing || !this.#running) return;
    this.#releaseTimer = setTimeout(() => {
      this.#releaseTimer = undefined;
      this.#releasing = this.#release().finally(() => (this.#releasing = undefined));
    }, delayMs);
  }

  /** Sends the held replies in order; stops at the next pause, or while the server is down. */
  async #release(): Promise<void> {
    for (let next = this.#heldReplies.first(); next && this.#running; next = this.#heldReplies.first()) {
      try {
        await this.#send(next.reply);
      } catch (error) {
        const kind = error instanceof SignalError ? error.kind : "unavailable";
        if (kind === "rate-limited") this.#asBotApiError(error);
        if (kind === "rate-limited" || kind === "unavailable") {
          this.#releasing = undefined;
          return this.#scheduleRelease(kind === "unavailable" ? 5000 : undefined);
        }
        // Refused for good (the person left Signal, or their safety number is not trusted): it cannot go.
        this.deps.log.warn({ kind }, "signal held reply dropped");
      }
      this.#heldReplies.drop(next.id);
      this.#heldCount--;
    }
  }

  /** People whose changed safety number holds their messages until it is confirmed. */
  readonly #held = new Set<string>();

  /**
   * Sends; on a changed safety number, trusts it and tries once more, unless
   * the person has an open case (then their messages wait for the volunteer
   * to confirm it: a new number may be a seized or re-registered phone).
   */
  async #withTrust<T>(uuid: string, chatId: number, send: () => Promise<T>): Promise<T> {
    if (this.#held.has(uuid)) throw new SignalError("held", 400);
    try {
      return await send();
    } catch (error) {
      if (!(error instanceof SignalError) || error.kind !== "untrusted" || this.options.newSafetyNumbers === "refuse") throw error;
      if (this.options.newSafetyNumbers === "hold" && this.options.inCase?.(chatId)) {
        this.#held.add(uuid);
        this.options.onSafetyNumberHeld?.(chatId);
        throw new SignalError("held", 400);
      }
      await this.client.trust(uuid);
      return await send();
    }
  }

  /** Trusts a person's current safety number (their volunteer confirmed it) and lets their messages go. */
  async trust(chatId: number): Promise<void> {
    const uuid = this.#uuids.get(chatId);
    if (!uuid) return;
    await this.client.trust(uuid);
    this.#held.delete(uuid);
  }

  /** Deletes a file from signal-cli-rest-api's store; a failure is counted for /health and logged. */
  async #deleteFile(id: string): Promise<void> {
    await this.client.deleteAttachment(id).catch(() => {
      this.health.fileDeleteFailures++;
      this.deps.log.warn("signal: a file could not be deleted from signal-cli-rest-api");
    });
  }

  #asBotApiError(error: unknown): unknown {
    if (!(error instanceof SignalError)) return error;
    this.health.lastError = error.kind;
    switch (error.kind) {
      case "rate-limited": {
        const first = this.health.pausedUntil === null || this.health.pausedUntil < this.deps.now();
        const seconds = this.options.rateLimitPauseSeconds ?? 60;
        this.health.pausedUntil = this.deps.now() + seconds * 1000;
        if (first) this.options.onRateLimited?.(error.challengeTokens);
        return new DeliveryError(429, `Too Many Requests: retry after ${seconds}`, seconds);
      }
      case "unregistered": return new DeliveryError(403, "Forbidden: user is deactivated");
      case "untrusted": return new DeliveryError(403, "Forbidden: the person's safety number changed");
      // Waits in the outbox (retried, then given up at the deadline) rather than being dropped; longer
      // than autoRetry's longest wait, so that nothing sleeps on it.
      case "held": return new DeliveryError(429, "Too Many Requests: held until the person's new safety number is confirmed", 60);
      case "unavailable": return new DeliveryError(502, "Bad Gateway: signal-cli-rest-api is unavailable");
      default: return new DeliveryError(400, "Bad Request: signal-cli-rest-api refused the message");
    }
  }

  /** Handles one item from the receive endpoint: store, skip repeats, mark taken up, dispatch. */
  handle(raw: unknown): Promise<void> {
    return this.#store(raw)?.() ?? Promise.resolve();
  }

  /** Stores a person's message (dropping repeats) and returns what starts its handling. */
  #store(raw: unknown): (() => Promise<void>) | undefined {
    const incoming = readEnvelope(raw);
    if (incoming.kind === "error") {
      this.deps.log.warn("signal envelope could not be decrypted");
      return undefined;
    }
    if (incoming.kind !== "message") return undefined;
    const id = this.#inbox.accept(incoming.uuid, incoming.timestamp, raw);
    if (!id) return undefined;
    return () => this.#enqueue(incoming.uuid, () => this.#process(id, incoming));
  }

  #enqueue(uuid: string, task: () => Promise<void>): Promise<void> {
    const key = this.chatIdOf(uuid);
    this.health.pendingEnvelopes++;
    const run = (this.#queues.get(key) ?? Promise.resolve()).then(task)
      .catch((err: unknown) => this.deps.log.error({ err }, "signal envelope failed"))
      .finally(() => {
        this.health.pendingEnvelopes--;
        if (this.#queues.get(key) === run) this.#queues.delete(key);
      });
    this.#queues.set(key, run);
    return run;
  }

  async #process(id: Buffer, incoming: Extract<Incoming, { kind: "message" }>): Promise<void> {
    const chatId = this.chatIdOf(incoming.uuid);
    if (incoming.number) this.#numbers.set(chatId, incoming.number);
    const user: VirtualUser = { id: chatId };
    await this.#prepareChat(chatId, incoming.uuid);
    await this.client.typing(incoming.uuid, true).catch(() => undefined);
    // Taken up before handling: a crash from here on does not replay it, so
    // nothing is applied twice (an answer already given would fall on the next step).
    this.#inbox.done(id);
    this.#stepping.add(chatId);
    try {
      if (incoming.text !== undefined) {
        const chosen = this.#choices.resolve(chatId, incoming.text);
        await dispatch(this.bot, chosen ? this.#updates.callback(user, chosen.data, chosen.messageId) : this.#updates.text(user, incoming.text));
      }
      for (const a of incoming.attachments) {
        await dispatch(this.bot, this.#updates.document(user, { fileId: a.id, name: a.name, mime: a.mime, size: a.size }));
        // Not taken by the relay: nothing else needs it, so it leaves the REST API's store.
        if (!this.#claimed.has(a.id)) await this.#deleteFile(a.id);
      }
    } finally {
      this.#stepping.delete(chatId);
      const lines = this.#lines.get(chatId);
      this.#lines.delete(chatId);
      // Nothing followed these lines to carry them: they go on their own. A failure is logged, as grammY
      // would have logged it had the handler sent them itself (kind only: no text, no id).
      if (lines) {
        await this.#sendOrHold(false, { uuid: incoming.uuid, chatId, text: lines.map((m) => m.text).join("\n\n") }).catch((error: unknown) => {
          this.deps.log.warn({ kind: error instanceof SignalError ? error.kind : "other" }, "signal: a reply could not be sent");
        });
      }
      this.handled++;
      await this.client.typing(incoming.uuid, false).catch(() => undefined);
    }
  }

  /** Once per chat and process: the disappearing-messages timer. */
  async #prepareChat(chatId: number, uuid: string): Promise<void> {
    if (this.options.disappearingSeconds <= 0 || this.#timerSet.has(chatId)) return;
    this.#timerSet.set(chatId, true);
    // README promises the timer: a failure is counted for /health and logged, not ignored.
    await this.client.setExpiration(uuid, this.options.disappearingSeconds).catch(() => {
      this.health.timerFailures++;
      this.deps.log.warn("signal: the disappearing-messages timer could not be set");
    });
  }

  /**
   * Checks the server's mode (refusing one the receive mode cannot use), handles
   * what a crash left stored but not yet taken up, then starts receiving. A
   * server not answering yet is checked once it does.
   */
  async start(): Promise<void> {
    await this.#checkServer().catch((error: unknown) => {
      if (error instanceof SignalModeError) throw error;
      this.deps.log.warn("signal-cli-rest-api not reachable at start: its mode is checked once it answers");
    });
    await this.bot.init();
    this.#running = true;
    for (const { id, raw } of this.#inbox.pending()) {
      const incoming = readEnvelope(raw);
      if (incoming.kind === "message") void this.#enqueue(incoming.uuid, () => this.#process(id, incoming));
      else this.#inbox.done(id);
    }
    await this.idle();
    this.#inbox.purge();
    // Held by a pause before a restart: tried now (a pause still on holds them again).
    this.#heldCount = this.#heldReplies.count();
    if (this.#heldCount > 0) this.#scheduleRelease(0);
    if (this.options.mode === "websocket") {
      this.#unconnectedSince = this.deps.now();
      void this.#connect();
    } else {
      this.#polling = this.#poll();
    }
  }

  /** Reads `/v1/about` once; throws `SignalModeError` on a mode this transport cannot use. */
  async #checkServer(): Promise<void> {
    if (this.#serverChecked) return;
    const about = await this.client.about();
    this.health.server = `${about.version} ${about.mode}`;
    const usable = this.options.mode === "websocket" ? about.mode === "json-rpc" : about.mode === "normal" || about.mode === "native";
    if (!usable) throw new SignalModeError(this.options.mode, about.mode);
    this.#serverChecked = true;
  }

  /** A mismatch found after start: receiving stops, said in the log and `/health`, instead of retrying forever. */
  #refuse(error: SignalModeError): void {
    this.#running = false;
    this.health.lastError = "server mode mismatch";
    this.deps.log.error(error.message);
  }

  /** Waits, or less if `stop` is called. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  #failed(reason: string): number {
    if (this.health.lastError !== reason) this.deps.log.warn(`signal ${reason}`);
    this.health.connected = false;
    this.health.lastError = reason;
    const wait = this.#backoff;
    this.#backoff = Math.min(this.#backoff * 2, MAX_BACKOFF_MS);
    return wait;
  }

  async #connect(): Promise<void> {
    if (!this.#running) return;
    try {
      await this.#checkServer();
    } catch (error) {
      if (error instanceof SignalModeError) return this.#refuse(error);
    }
    if (!this.#running) return;
    const socket = new (webSocket())(this.client.receiveUrl());
    this.#socket = socket;
    let answered = true;
    let beat: NodeJS.Timeout | undefined;
    socket.on("open", () => {
      this.health.connected = true;
      this.#backoff = FIRST_BACKOFF_MS;
      if (this.#unconnectedSince !== null) {
        const ms = this.deps.now() - this.#unconnectedSince;
        this.health.unconnectedMs += ms;
        this.#unconnectedSince = null;
        if (this.health.disconnects > 0) this.deps.log.info({ unconnectedMs: ms }, "signal receive connection back");
      }
      // Pings find a connection that died without closing; the next one checks the last was answered.
      beat = setInterval(() => {
        if (!answered) {
          this.deps.log.warn("signal receive connection stopped answering");
          socket.terminate();
          return;
        }
        answered = false;
        socket.ping();
      }, (this.options.heartbeatSeconds ?? 10) * 1000);
    });
    socket.on("pong", () => void (answered = true));
    socket.on("message", (data) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(Buffer.isBuffer(data) ? data.toString("utf8") : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString("utf8"));
      } catch {
        return;
      }
      void this.handle(parsed);
    });
    socket.on("close", () => {
      clearInterval(beat);
      const wasOpen = this.health.connected;
      this.health.connected = false;
      if (!this.#running || this.#socket !== socket) return;
      this.#socket = undefined;
      this.#unconnectedSince ??= this.deps.now();
      if (wasOpen) {
        this.health.disconnects++;
        this.health.lastError = "receive connection lost";
        this.deps.log.warn({ disconnects: this.health.disconnects }, "signal receive connection lost: json-rpc mode drops what arrives until it is back");
      }
      this.#reconnect = setTimeout(() => void this.#connect(), wasOpen ? FIRST_BACKOFF_MS : this.#failed("receive connection failed"));
    });
    socket.on("error", () => socket.terminate());
  }

  async #poll(): Promise<void> {
    while (this.#running) {
      let items: unknown[];
      try {
        await this.#checkServer();
        items = await this.client.receive(this.options.pollSeconds, this.options.pollMaxMessages);
      } catch (error) {
        if (error instanceof SignalModeError) return this.#refuse(error);
        await this.#sleep(this.#failed("receive failed"));
        continue;
      }
      this.health.connected = true;
      this.#backoff = FIRST_BACKOFF_MS;
      // signal-cli has let go of these: all are stored before any is handled.
      const starts = items.map((item) => this.#store(item));
      for (const begin of starts) void begin?.();
      if (this.health.pendingEnvelopes > MAX_PENDING) await this.idle();
    }
  }

  /** Stops receiving, lets a receive in progress finish (what it carries is stored), and waits for the envelopes in hand. */
  async stop(): Promise<void> {
    this.#running = false;
    clearTimeout(this.#reconnect);
    clearTimeout(this.#releaseTimer);
    this.#releaseTimer = undefined;
    this.#wake?.();
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.close();
    await this.#polling;
    await this.#releasing;
    await this.idle();
  }

  /** Resolves once every envelope received so far is handled. */
  async idle(): Promise<void> {
    while (this.#queues.size > 0) await Promise.all(this.#queues.values());
  }

  /** Replies waiting for a rate-limit pause to end. */
  get heldReplies(): number {
    return this.#heldCount;
  }

  /** What `/health` shows of a loss window: none when polling; in WebSocket mode, time without a connection. */
  lossWindow(): string {
    if (this.options.mode === "poll") return "none";
    const open = this.#unconnectedSince === null ? 0 : this.deps.now() - this.#unconnectedSince;
    return `${((this.health.unconnectedMs + open) / 1000).toFixed(1)} s over ${this.health.disconnects} disconnects`;
  }
}

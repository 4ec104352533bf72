import type { AxiosInstance, AxiosResponse, AxiosStatic } from "axios";
import { loadLater } from "../../cache/load-later.js";

/** Loaded with the first Signal client: axios brings a MIME database among other things, several megabytes of heap. */
const axios = loadLater<AxiosStatic>("axios");

/** Why a call to signal-cli-rest-api failed, in the terms the transport acts on. */
export type SignalErrorKind = "rate-limited" | "unregistered" | "untrusted" | "held" | "rejected" | "unavailable";

export class SignalError extends Error {
  override name = "SignalError";
  constructor(
    readonly kind: SignalErrorKind,
    readonly status: number,
    /** Present with "rate-limited": the tokens of the captcha challenge to solve. */
    readonly challengeTokens: string[] = [],
  ) {
    super(`signal-cli-rest-api: ${kind} (${status})`);
  }
}

interface SendResult {
  timestamp?: string | number;
  /** Recipients the message did not reach, with signal-cli's reason (e.g. "UNREGISTERED_FAILURE"). */
  errors?: { recipients?: { reason?: unknown }[] };
}

/** signal-cli's reasons for a recipient the message did not reach, in the transport's terms. */
const FAILURES: Record<string, SignalErrorKind> = {
  UNREGISTERED_FAILURE: "unregistered",
  IDENTITY_FAILURE: "untrusted",
  RATE_LIMIT_FAILURE: "rate-limited",
  NETWORK_FAILURE: "unavailable",
};

export interface Attachment {
  mime: string;
  name: string;
  bytes: Uint8Array;
}

/** signal-cli-rest-api's default `SIGNAL_CLI_CMD_TIMEOUT`: it kills a command that runs longer. */
export const SERVER_COMMAND_SECONDS = 120;

/** How long a receive call is given: past the longest receive and past the server's own limit. */
export function receiveWaitMs(quietSeconds: number, maxMessages: number): number {
  return (Math.max(SERVER_COMMAND_SECONDS, (maxMessages + 1) * quietSeconds) + 30) * 1000;
}

/** What `/v1/about` says of the server. */
export interface About {
  /** "normal", "native" or "json-rpc". */
  mode: string;
  version: string;
}

function classify(response: AxiosResponse): SignalError {
  const body = (response.data ?? {}) as { error?: unknown; challenge_tokens?: unknown };
  const message = typeof body.error === "string" ? body.error : "";
  if (response.status === 429) {
    const tokens = Array.isArray(body.challenge_tokens) ? body.challenge_tokens.filter((t): t is string => typeof t === "string") : [];
    return new SignalError("rate-limited", 429, tokens);
  }
  if (response.status >= 500) return new SignalError("unavailable", response.status);
  if (/unregistered|not registered/i.test(message)) return new SignalError("unregistered", response.status);
  if (/untrusted identity/i.test(message)) return new SignalError("untrusted", response.status);
  return new SignalError("rejected", response.status);
}

/**
 * signal-cli-rest-api over HTTP, with timeouts. Errors come back as
 * `SignalError`; their text is never kept, since it can name the recipient.
 */
export class SignalClient {
  readonly #http: AxiosInstance;

  constructor(readonly baseUrl: string, readonly number: string, timeoutMs = 15_000) {
    this.#http = axios().create({ baseURL: baseUrl.replace(/\/+$/, ""), timeout: timeoutMs, validateStatus: () => true });
  }

  async #call<T>(request: Promise<AxiosResponse<T>>): Promise<AxiosResponse<T>> {
    let response: AxiosResponse<T>;
    try {
      response = await request;
    } catch {
      throw new SignalError("unavailable", 0);
    }
    if (response.status >= 400) throw classify(response);
    return response;
  }

  #path(prefix: string): string {
    return `${prefix}/${encodeURIComponent(this.number)}`;
  }

  /** Sends a message; returns its timestamp, which identifies it for remote deletion. */
  /** Sends a message; with `editOf`, an edit of the message sent at that timestamp. */
  async send(recipient: string, message: string, attachments: Attachment[] = [], editOf?: number): Promise<number> {
    const response = await this.#call(this.#http.post("/v2/send", {
      number: this.number,
      recipients: [recipient],
      message,
      ...(editOf !== undefined ? { edit_timestamp: editOf } : {}),
      ...(attachments.length > 0
        ? { base64_attachments: attachments.map((a) => `data:${a.mime};filename=${a.name.replace(/[;,]/g, "_")};base64,${Buffer.from(a.bytes).toString("base64")}`) }
        : {}),
    }));
    // Older releases answer {timestamp}, newer ones [{timestamp, errors?}].
    const data = response.data as SendResult | SendResult[];
    const first = Array.isArray(data) ? data[0] : data;
    const reason = first?.errors?.recipients?.[0]?.reason;
    if (reason !== undefined) {
      const kind = (typeof reason === "string" ? FAILURES[reason] : undefined) ?? "rejected";
      throw new SignalError(kind, kind === "rate-limited" ? 429 : 400);
    }
    return Number(first?.timestamp ?? Date.now());
  }

  /**
   * Normal/native mode: one `signal-cli receive -t quietSeconds --max-messages
   * maxMessages`. It returns after `quietSeconds` without an envelope, or
   * once `maxMessages` have come, so under a steady stream it can run for
   * about `maxMessages × quietSeconds`. signal-cli acknowledges envelopes as it
   * reads them: a call given up before the answer loses them, so the wait
   * outlives both that and the REST API's own limit on a command.
   */
  async receive(quietSeconds: number, maxMessages: number): Promise<unknown[]> {
    const response = await this.#call(this.#http.get(this.#path("/v1/receive"), {
      params: { timeout: quietSeconds, max_messages: maxMessages },
      timeout: receiveWaitMs(quietSeconds, maxMessages),
      responseType: "text",
      transformResponse: (raw: string) => raw,
    }));
    const text = typeof response.data === "string" ? response.data.trim() : "";
    if (!text) return [];
    const parsed = JSON.parse(text) as unknown;
    return Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
  }

  async about(): Promise<About> {
    const response = await this.#call(this.#http.get<{ mode?: unknown; version?: unknown } | null>("/v1/about"));
    const body = response.data ?? {};
    return { mode: typeof body.mode === "string" ? body.mode : "unknown", version: typeof body.version === "string" ? body.version : "unknown" };
  }

  /** The WebSocket address of json-rpc mode. */
  receiveUrl(): string {
    return `${this.baseUrl.replace(/\/+$/, "").replace(/^http/, "ws")}${this.#path("/v1/receive")}`;
  }

  async typing(recipient: string, on: boolean): Promise<void> {
    const path = this.#path("/v1/typing-indicator");
    await this.#call(on ? this.#http.put(path, { recipient }) : this.#http.delete(path, { data: { recipient } }));
  }

  async remoteDelete(recipient: string, timestamp: number): Promise<void> {
    await this.#call(this.#http.delete(this.#path("/v1/remote-delete"), { data: { recipient, timestamp } }));
  }

  /** Sets the disappearing-messages timer of the chat with `recipient` (0 turns it off). */
  async setExpiration(recipient: string, seconds: number): Promise<void> {
    await this.#call(this.#http.put(this.#path("/v1/contacts"), { recipient, expiration_in_seconds: seconds }));
  }

  async trust(recipient: string): Promise<void> {
    await this.#call(this.#http.put(`${this.#path("/v1/identities")}/trust/${encodeURIComponent(recipient)}`, { trust_all_known_keys: true }));
  }

  async attachment(id: string): Promise<Uint8Array> {
    const response = await this.#call(this.#http.get(`/v1/attachments/${encodeURIComponent(id)}`, { responseType: "arraybuffer" }));
    return new Uint8Array(response.data as ArrayBuffer);
  }

  async deleteAttachment(id: string): Promise<void> {
    await this.#call(this.#http.delete(`/v1/attachments/${encodeURIComponent(id)}`));
  }
}

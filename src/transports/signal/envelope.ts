/** An attachment as signal-cli-rest-api describes it; the bytes stay on its server until fetched. */
export interface SignalAttachment {
  id: string;
  mime: string;
  name: string;
  size?: number;
}

/** What the bot makes of one received envelope. */
export type Incoming =
  | { kind: "message"; uuid: string; number?: string; timestamp: number; text?: string; attachments: SignalAttachment[] }
  | { kind: "ignored"; reason: "receipt" | "typing" | "sync" | "story" | "call" | "group" | "edit" | "empty" | "malformed" }
  | { kind: "error" };

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Reads one item from the receive endpoint or WebSocket: `{envelope,
 * account}`, json-rpc's `{params: {…}}`, or an error. Only private text and
 * attachment messages get through; everything else is named and dropped.
 */
export function readEnvelope(raw: unknown): Incoming {
  const item = isObject(raw) && isObject(raw.params) ? raw.params : raw;
  if (!isObject(item)) return { kind: "ignored", reason: "malformed" };
  if (item.exception !== undefined || (item.error !== undefined && item.envelope === undefined)) return { kind: "error" };
  const envelope = item.envelope;
  if (!isObject(envelope)) return { kind: "ignored", reason: "malformed" };
  if (envelope.receiptMessage) return { kind: "ignored", reason: "receipt" };
  if (envelope.typingMessage) return { kind: "ignored", reason: "typing" };
  if (envelope.syncMessage) return { kind: "ignored", reason: "sync" };
  if (envelope.storyMessage) return { kind: "ignored", reason: "story" };
  if (envelope.callMessage) return { kind: "ignored", reason: "call" };
  if (envelope.editMessage) return { kind: "ignored", reason: "edit" };
  const data = envelope.dataMessage;
  if (!isObject(data)) return { kind: "ignored", reason: "empty" };
  if (data.groupInfo !== undefined || data.groupV2 !== undefined) return { kind: "ignored", reason: "group" };
  const uuid = envelope.sourceUuid;
  const timestamp = envelope.timestamp;
  if (typeof uuid !== "string" || !UUID.test(uuid) || typeof timestamp !== "number" || !Number.isSafeInteger(timestamp)) {
    return { kind: "ignored", reason: "malformed" };
  }
  const text = typeof data.message === "string" && data.message.length > 0 ? data.message : undefined;
  const attachments = (Array.isArray(data.attachments) ? data.attachments : []).filter(isObject).flatMap((a): SignalAttachment[] =>
    typeof a.id === "string" && /^[\w.-]{1,200}$/.test(a.id)
      ? [{
        id: a.id,
        mime: typeof a.contentType === "string" ? a.contentType : "application/octet-stream",
        name: typeof a.filename === "string" && a.filename ? a.filename.slice(0, 200) : "attachment",
        ...(typeof a.size === "number" ? { size: a.size } : {}),
      }]
      : []);
  if (text === undefined && attachments.length === 0) return { kind: "ignored", reason: "empty" };
  const number = typeof envelope.sourceNumber === "string" ? envelope.sourceNumber : undefined;
  return { kind: "message", uuid: uuid.toLowerCase(), ...(number ? { number } : {}), timestamp, ...(text !== undefined ? { text } : {}), attachments };
}

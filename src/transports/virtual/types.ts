/** A button as a messenger without inline keyboards needs it: a label and what pressing it sends. */
export interface Button {
  text: string;
  /** Callback data, for buttons that talk back to the bot. */
  data?: string;
  /** A link, for buttons that open a page. */
  url?: string;
}

/** A message the bot sent, reduced to what any messenger can show. */
export interface OutgoingMessage {
  chatId: number;
  messageId: number;
  text: string;
  buttons: Button[][];
  /** Set when the message is a copy of one a person sent (a document or photo passed on). */
  copyOf?: { chatId: number; messageId: number };
  /** A document or photo the bot uploads. */
  file?: { name: string; mime: string; bytes: Uint8Array; kind: "document" | "photo" };
}

/** Everything the bot can do to a chat through a virtual transport. */
export type Outgoing =
  | { type: "message"; message: OutgoingMessage }
  | { type: "edit"; message: OutgoingMessage }
  | { type: "delete"; chatId: number; messageId: number }
  | { type: "typing"; chatId: number }
  | { type: "notice"; chatId: number; text: string };

/** Where a virtual transport delivers; throwing `DeliveryError` turns into a Bot API error reply. */
export type Deliver = (out: Outgoing) => Promise<void>;

/** A delivery failure reported to the bot exactly as the Bot API would report it. */
export class DeliveryError extends Error {
  override name = "DeliveryError";
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly retryAfter?: number,
  ) {
    super(description);
  }
}

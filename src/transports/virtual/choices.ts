import type { Button, OutgoingMessage } from "./types.js";

/** Buttons that can be chosen by number: those that call back to the bot. */
export function choicesOf(message: OutgoingMessage): Button[] {
  return message.buttons.flat().filter((b) => b.data !== undefined || b.url !== undefined);
}

/** A message with its buttons as numbered lines, for messengers without buttons. */
export function renderWithChoices(message: OutgoingMessage): string {
  const choices = choicesOf(message);
  if (choices.length === 0) return message.text;
  const lines = choices.map((b, i) => `${i + 1}. ${b.text}${b.url ? ` — ${b.url}` : ""}`);
  return `${message.text}\n\n${lines.join("\n")}`;
}

const normalize = (s: string) => s.normalize("NFKC").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();

/**
 * Remembers, per chat, the last message that offered choices, so that a reply
 * of "2" or of a button's text can be turned back into a button press.
 */
export class ChoiceBook {
  #last = new Map<number, OutgoingMessage>();

  /** `zero` is the data "0" stands for in every chat (the main menu), where answers offer it. */
  constructor(private readonly zero?: string) {}

  remember(message: OutgoingMessage): void {
    if (choicesOf(message).some((b) => b.data !== undefined)) this.#last.set(message.chatId, message);
  }

  /** The button a reply selects, if it selects one. */
  resolve(chatId: number, reply: string): { data: string; messageId: number } | undefined {
    const message = this.#last.get(chatId);
    if (this.zero !== undefined && reply.trim() === "0") return { data: this.zero, messageId: message?.messageId ?? 0 };
    if (!message) return undefined;
    const choices = choicesOf(message);
    const trimmed = reply.trim();
    let chosen: Button | undefined;
    if (/^\d{1,2}$/.test(trimmed)) chosen = choices[Number(trimmed) - 1];
    else {
      const wanted = normalize(trimmed);
      if (wanted) chosen = choices.find((b) => normalize(b.text) === wanted);
    }
    return chosen?.data !== undefined ? { data: chosen.data, messageId: message.messageId } : undefined;
  }

  forget(chatId: number): void {
    this.#last.delete(chatId);
  }
}

import type { SignalTransport } from "../../src/transports/signal/transport.js";
import type { FakeSignal } from "./fake-signal.js";

export async function until(predicate: () => boolean, ms = 10_000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > ms) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * A person on Signal, talking to the bot through the fake REST API: sends
 * text (or files), waits until the bot has handled it, and reads what the bot
 * sent back. Buttons are chosen the Signal way, by typing their number.
 */
export class SignalPerson {
  constructor(private readonly fake: FakeSignal, private readonly transport: SignalTransport, readonly uuid: string) {}

  get messages(): string[] {
    return this.fake.sentTo(this.uuid).map((m) => m.message);
  }

  last(): string {
    return this.messages.at(-1) ?? "";
  }

  async send(text?: string, attachments: { name: string; mime: string; bytes: Buffer }[] = []): Promise<string[]> {
    const before = this.messages.length;
    const target = this.transport.handled + 1;
    this.fake.push(this.uuid, text, attachments);
    await until(() => this.transport.handled >= target);
    await this.transport.idle();
    return this.messages.slice(before);
  }

  /** Types the number of the button with this label on the latest message that lists it. */
  async press(label: string): Promise<string[]> {
    for (const message of [...this.messages].reverse()) {
      const line = message.split("\n").find((l) => l.replace(/^\d+\. /, "").replace(/ — https?:.*$/, "") === label && /^\d+\. /.test(l));
      if (line) return this.send(line.split(".")[0]);
    }
    throw new Error(`no choice "${label}" offered`);
  }
}

import type { Api } from "grammy";

/** A file a person sent, as the messenger it came from knows it. */
export interface FileRef {
  fileId: string;
  kind: "document" | "photo";
  name: string;
  mime: string;
  size?: number;
}

export interface FileBytes {
  bytes: Uint8Array;
  name: string;
  mime: string;
}

/**
 * How to reach people on one messenger: its Bot API (real or virtual), how
 * its chats map to addresses, and how to fetch files people sent there.
 */
export interface Route {
  api: Api;
  /** The same messenger without automatic retries, for bulk sending that paces and retries itself. */
  bulkApi?: Api;
  /** The chat id grammY uses for an address's chat id on this messenger. */
  chatIdOf(addressChatId: string): number;
  /** The address chat id (what is stored, sealed) of a grammY chat id. */
  addressOf(chatId: number): string;
  /** Whether a file can be passed within this messenger by copying the message. */
  canCopy: boolean;
  /** Whether buttons become numbered choices in the text (Signal, the console): then only real choices are listed. */
  numbered?: boolean;
  /** The longest text one message may carry here; longer relayed text is split. */
  maxText?: number;
  /** Whether an edited message changes in place (Signal sends it again instead). */
  editsInPlace: boolean;
  /** Fetches a file into memory; it never touches the disk. */
  download(file: FileRef): Promise<FileBytes>;
  /** Called when the relay takes a file, so the transport does not discard it. */
  claim?(file: FileRef): void;
  /** Called once a file has been passed on, e.g. to delete it from a server's store. */
  release?(file: FileRef): Promise<void>;
  /** Trusts the person's current safety number, where the messenger has one (Signal). */
  trust?(chatId: number): Promise<void>;
  /** Other ids the same person is known by here (a Signal number besides the uuid). */
  aliasesOf?(chatId: number): string[];
}

/** For messengers whose chat ids are the addresses themselves (Telegram, tests). */
export const numericChats = {
  chatIdOf: (id: string) => Number(id),
  addressOf: (id: number) => String(id),
  editsInPlace: true,
};

import type { Update } from "grammy/types";

/** Who writes, as a messenger without Bot API knows them; `id` doubles as the private chat id. */
export interface VirtualUser {
  id: number;
  firstName?: string;
  username?: string;
  languageCode?: string;
}

/**
 * Builds Bot API updates from what a person did on a messenger without a
 * Bot API, so the application cannot tell the difference.
 */
export class UpdateFactory {
  #nextUpdateId = 1;
  #nextMessageId = 1_000_000;

  #from(user: VirtualUser) {
    return {
      id: user.id,
      is_bot: false,
      first_name: user.firstName ?? "",
      ...(user.username ? { username: user.username } : {}),
      ...(user.languageCode ? { language_code: user.languageCode } : {}),
    };
  }

  text(user: VirtualUser, text: string): Update {
    const command = /^\/[a-z0-9_]{1,32}/i.exec(text);
    return {
      update_id: this.#nextUpdateId++,
      message: {
        message_id: this.#nextMessageId++,
        date: Math.floor(Date.now() / 1000),
        chat: { id: user.id, type: "private", first_name: user.firstName ?? "" },
        from: this.#from(user),
        text,
        ...(command ? { entities: [{ type: "bot_command" as const, offset: 0, length: command[0].length }] } : {}),
      },
    };
  }

  /** A document sent in the chat, as the Bot API shows it (also how photos and files from Signal arrive). */
  document(user: VirtualUser, file: { fileId: string; name: string; mime: string; size?: number }): Update {
    const update = this.text(user, "");
    const message = update.message as unknown as Record<string, unknown>;
    delete message.text;
    message.document = {
      file_id: file.fileId, file_unique_id: file.fileId, file_name: file.name, mime_type: file.mime,
      ...(file.size !== undefined ? { file_size: file.size } : {}),
    };
    return update;
  }

  /** A button press; the query id carries the chat so that a notice can find its way back. */
  callback(user: VirtualUser, data: string, messageId: number): Update {
    const id = this.#nextUpdateId++;
    return {
      update_id: id,
      callback_query: {
        id: `${user.id}:${id}`,
        from: this.#from(user),
        chat_instance: String(user.id),
        data,
        message: {
          message_id: messageId,
          date: Math.floor(Date.now() / 1000),
          chat: { id: user.id, type: "private", first_name: user.firstName ?? "" },
          text: "",
        },
      },
    };
  }
}

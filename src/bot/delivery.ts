import { GrammyError, HttpError, InputFile } from "grammy";
import { RelayFailure, type RelayPayload, type Send } from "../relay/outbox.js";
import type { Route } from "./route.js";

/** Bot API errors in the outbox's and the broadcast runner's terms. */
export function translate(error: unknown): unknown {
  if (error instanceof GrammyError) {
    if (error.error_code === 429) return new RelayFailure("retry", (error.parameters.retry_after ?? 1) * 1000);
    if (error.error_code >= 500) return new RelayFailure("retry");
    if (error.error_code === 403 || /chat not found|user is deactivated/i.test(error.description)) return new RelayFailure("unreachable");
    return new RelayFailure("rejected");
  }
  if (error instanceof HttpError) return new RelayFailure("retry");
  return error;
}

/**
 * Carries outbox messages over whichever transport the recipient uses, and
 * turns Bot API errors into what the outbox understands: 429 and 5xx and
 * network errors are retried, 403 means the person is gone, other 4xx are
 * refused for good. A file is copied within a messenger that can, and
 * otherwise fetched from its messenger into memory and uploaded.
 */
export function createSend(routes: ReadonlyMap<string, Route>): Send {
  return async (payload: RelayPayload) => {
    const route = routes.get(payload.to.messenger);
    if (!route) throw new RelayFailure("retry");
    const chatId = route.chatIdOf(payload.to.chatId);
    const file = payload.file;
    const source = file && routes.get(file.messenger);
    if (file && !source) throw new RelayFailure("retry");
    try {
      if (file && source) {
        if (file.messenger === payload.to.messenger && route.canCopy) {
          await route.api.copyMessage(chatId, source.chatIdOf(file.fromChatId), file.messageId);
        } else {
          const data = await source.download(file.ref);
          const upload = new InputFile(data.bytes, data.name);
          if (file.ref.kind === "photo") await route.api.sendPhoto(chatId, upload);
          else await route.api.sendDocument(chatId, upload);
        }
        await source.release?.(file.ref);
      } else {
        await route.api.sendMessage(chatId, payload.text ?? "", { link_preview_options: { is_disabled: true } });
      }
    } catch (error) {
      throw translate(error);
    }
  };
}

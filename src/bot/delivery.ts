import { GrammyError, HttpError, InputFile } from "grammy";
import { RelayFailure, type RelayPayload, type Send } from "../relay/outbox.js";
import { splitText } from "../relay/split.js";
import type { CarriedFile } from "../relay/outbox.js";
import type { Route } from "./route.js";

/** Bot API errors in the outbox's and the broadcast runner's terms. */
export function asRelayFailure(error: unknown): unknown {
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
        // Longer than the messenger takes: in parts, at paragraph or sentence ends.
        for (const part of splitText(payload.text ?? "", route.maxText ?? 4096)) {
          await route.api.sendMessage(chatId, part, { link_preview_options: { is_disabled: true } });
        }
      }
    } catch (error) {
      throw asRelayFailure(error);
    }
  };
}

/** Lets go of a file a relay carried but could not deliver, e.g. so Signal's store does not keep it. */
export function createRelease(routes: ReadonlyMap<string, Route>): (file: CarriedFile) => Promise<void> {
  return async (file) => {
    await routes.get(file.messenger)?.release?.(file.ref);
  };
}

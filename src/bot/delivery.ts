import { GrammyError, HttpError, type Api } from "grammy";
import { DeliveryFailure, type RelayPayload, type Send } from "../relay/outbox.js";

/**
 * Carries outbox messages over whichever transport the recipient uses, and
 * turns Bot API errors into what the outbox understands: 429 and 5xx and
 * network errors are retried, 403 means the person is gone, other 4xx are
 * refused for good.
 */
export function createSend(routes: ReadonlyMap<string, Api>): Send {
  return async (payload: RelayPayload) => {
    const api = routes.get(payload.to.messenger);
    if (!api) throw new DeliveryFailure("retry");
    const chatId = Number(payload.to.chatId);
    try {
      if (payload.copy) await api.copyMessage(chatId, Number(payload.copy.fromChatId), payload.copy.messageId);
      else await api.sendMessage(chatId, payload.text ?? "", { link_preview_options: { is_disabled: true } });
    } catch (error) {
      if (error instanceof GrammyError) {
        if (error.error_code === 429) throw new DeliveryFailure("retry", (error.parameters.retry_after ?? 1) * 1000);
        if (error.error_code >= 500) throw new DeliveryFailure("retry");
        if (error.error_code === 403 || /chat not found|user is deactivated/i.test(error.description)) throw new DeliveryFailure("unreachable");
        throw new DeliveryFailure("rejected");
      }
      if (error instanceof HttpError) throw new DeliveryFailure("retry");
      throw error;
    }
  };
}

import { Composer } from "../../composer.js";
import type { BotContext } from "../../context.js";
import type { AppDeps } from "../../deps.js";
import { broadcastAdminCommands } from "./broadcasts.js";
import { caseCommands } from "./cases.js";
import { healthCommand } from "./health.js";
import { teamCommands } from "./team.js";

export { broadcastCommand } from "./broadcasts.js";
export { requireRole } from "./guard.js";

/** Every staff command but `/broadcast`, by feature. */
export function staffCommands(deps: AppDeps): Composer<BotContext> {
  return new Composer<BotContext>(teamCommands(deps), caseCommands(deps), broadcastAdminCommands(deps), healthCommand(deps));
}

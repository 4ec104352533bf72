import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { createInterface } from "node:readline/promises";
import { createBot, dispatch } from "../bot/app.js";
import type { AppDeps } from "../bot/deps.js";
import { numericChats } from "../bot/route.js";
import { VirtualBotApi } from "./virtual/api.js";
import { ChoiceBook, renderWithChoices } from "./virtual/choices.js";
import type { Outgoing } from "./virtual/types.js";
import { cb } from "../bot/keyboards.js";
import { UpdateFactory, type VirtualUser } from "./virtual/updates.js";

/**
 * A chat with the bot in the terminal, for trying every flow without a
 * messenger. Buttons are shown as numbered choices: type the number or the
 * button's text.
 */
export async function runConsole(deps: AppDeps, io = { input: process.stdin, output: process.stdout }, files = tmpdir()): Promise<void> {
  const choices = new ChoiceBook(cb.menu("main"));
  const write = (text: string) => io.output.write(`${text}\n`);
  const render = (out: Outgoing) => {
    if (out.type === "message" || out.type === "edit") {
      choices.remember(out.message);
      // A terminal shows no pictures: a file the bot sends is written out, and its path shown.
      const file = out.message.file;
      const saved = file && join(mkdtempSync(join(files, "notice-desk-")), basename(file.name));
      if (file && saved) writeFileSync(saved, file.bytes, { mode: 0o600 });
      const text = saved ? `${renderWithChoices(out.message)}\n[${saved}]` : renderWithChoices(out.message);
      write(`\n\x1b[36mbot${out.type === "edit" ? " (edited)" : ""}>\x1b[0m ${text}`);
    } else if (out.type === "notice") {
      write(`\x1b[2m(${out.text})\x1b[0m`);
    }
    return Promise.resolve();
  };
  const api = new VirtualBotApi(render);
  const bot = createBot(deps, {
    messenger: "console",
    token: "console",
    client: { fetch: api.fetch },
    route: { ...numericChats, canCopy: false, numbered: true, download: () => Promise.reject(new Error("the console has no files")) },
  });
  await bot.init();
  const updates = new UpdateFactory();
  const locale = Intl.DateTimeFormat().resolvedOptions().locale;
  const me: VirtualUser = { id: 1, firstName: "you", languageCode: locale };

  write("notice-desk console chat. Type /start to begin, /help for commands, Ctrl+D to quit.");
  const rl = createInterface({ input: io.input, output: io.output, terminal: false });
  for await (const line of rl) {
    const text = line.trim();
    if (!text) continue;
    const chosen = choices.resolve(me.id, text);
    const update = chosen ? updates.callback(me, chosen.data, chosen.messageId) : updates.text(me, text);
    await dispatch(bot, update);
  }
  rl.close();
}

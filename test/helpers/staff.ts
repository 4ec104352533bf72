import type { MemoryUser } from "../../src/transports/memory.js";

/** An admin's one-time code, as `/invite` hands it out. */
export async function inviteCode(admin: MemoryUser, role = ""): Promise<string> {
  const [invite] = await admin.send(role ? `/invite ${role}` : "/invite");
  const code = /\/join (\w+)/.exec(invite?.text ?? "")?.[1];
  if (!code) throw new Error("/invite gave no code");
  return code;
}

/** `member` joins the team with a fresh code from `admin`; returns the bot's answer to `/join`. */
export async function joinTeam(admin: MemoryUser, member: MemoryUser): Promise<string> {
  const [welcome] = await member.send(`/join ${await inviteCode(admin)}`);
  return welcome?.text ?? "";
}

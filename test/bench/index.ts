/**
 * All benchmarks in one run, printed as a table: npm run bench
 * (not part of npm test; tests never assert on time).
 */
import { cpus, totalmem } from "node:os";
import { benchBroadcast } from "./broadcast.js";
import { benchCard } from "./card.js";
import { benchMatcher } from "./matcher.js";
import { benchSignal } from "./signal.js";
import { benchFaq, benchIntake, benchStartup } from "./stack.js";

const rows: [string, string, string][] = [];
const row = (name: string, result: string, target: string) => {
  rows.push([name, result, target]);
  console.log(`  ${name}: ${result}   (target: ${target})`);
};
const ms = (v: number) => `${v.toFixed(2)} ms`;

console.log(`notice-desk benchmarks — ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}\n`);

const matcher = await benchMatcher();
row("question matcher alone", `p50 ${ms(matcher.p50)}, p99 ${ms(matcher.p99)} a question (${matcher.questions} held-out messages)`, "p99 ≤ 0.2 ms");
row("question matcher at start-up: the model packed by npm run build, loaded", ms(matcher.loadMs), "< 300 ms");
row("question matcher trained instead (no packed model, or another corpus)", `${ms(matcher.coldTrainMs)} the first time in a process, ${ms(matcher.trainMs)} after`, "—");

const faq = await benchFaq();
row("FAQ answers, whole stack", `${faq.updatesPerSecond.toFixed(0)} updates/s, p50 ${ms(faq.p50)}, p99 ${ms(faq.p99)}`, "≥ 5,000/s, p99 < 5 ms");
row("bare grammY, same reply, memory sessions", `${faq.bareUpdatesPerSecond.toFixed(0)} updates/s; ratio ${faq.ratio.toFixed(2)}`, "ratio < 3");

const intake = await benchIntake();
row(`intake, ${intake.people} people at once`, `per step p50 ${ms(intake.stepP50)}, p99 ${ms(intake.stepP99)}`, "—");
row(`memory, ${intake.stored} stored people mid-intake`, `RSS at rest ${intake.storedRssMb.toFixed(0)} MB; with the 1,000 more: ${intake.burstRssMb.toFixed(0)} MB right after the burst, ${intake.rssMb.toFixed(0)} MB at rest (in-process, harness included)`, "< 150 MB");

const startup = await benchStartup();
row(`start-up to first answer, ${startup.contacts} contacts`, ms(startup.milliseconds), "< 1,500 ms");

const card = benchCard();
row("officer card, rendered to PNG (Polish, Russian, English)", `p50 ${ms(card.p50)}, p99 ${ms(card.p99)}`, "< 150 ms");

const signal = await benchSignal();
row(`Signal reply, poll mode (SIGNAL_POLL_SECONDS=1, ${signal.startupMs} ms signal-cli start), idle`, `p50 ${ms(signal.idleP50)}, p99 ${ms(signal.idleP99)}`, "≈ 1 s + start");
row("Signal reply, poll mode, others typing every 200 ms", `p50 ${ms(signal.streamP50)}, p99 ${ms(signal.streamP99)}; ${signal.lost} envelopes lost`, "0 lost");

const broadcast = await benchBroadcast();
row(`broadcast ${broadcast.recipients.toLocaleString("en")} at ${broadcast.rate.toLocaleString("en")}/s with one SIGKILL`, `time/ideal ${broadcast.ratio.toFixed(3)} (${broadcast.seconds.toFixed(2)} s, restart ${broadcast.restartSeconds.toFixed(2)} s)`, "≤ 1.05");
row("broadcast: bot CPU per message while sending (from /proc)", `${ms(broadcast.cpuMsPerMessage)} (${ms(broadcast.cpuMsPerMessageWithStartups)} with start-ups); bare grammY Api at the same rate ${ms(broadcast.bareCpuMsPerMessage)}`, "≤ 0.3 ms");
row("broadcast duplicates / ambiguous / missed / 429s", `${broadcast.duplicates} / ${broadcast.ambiguous} / ${broadcast.missed} / ${broadcast.tooMany} (${broadcast.tooManyAfterWarmup} after warm-up)`, "dup ≤ ambiguous, 0 missed, 0 429s");

console.log("\n| benchmark | result | target |\n| --- | --- | --- |");
for (const [name, result, target] of rows) console.log(`| ${name} | ${result} | ${target} |`);

/** npm run bench:stack: the benchmarks of the running desk alone (FAQ answers, memory, intake, start-up). */
import { benchBareIntake } from "./bare-intake.js";
import { loadAverage, watchHost } from "./machine.js";
import { benchFaq, benchIntake, benchMemory, benchStartup } from "./stack.js";

const only = process.argv.slice(2);
const wanted = (name: string) => only.length === 0 || only.includes(name);
console.log(`load average ${loadAverage()}`);
const host = watchHost();
if (wanted("faq")) console.log("faq", await benchFaq());
if (wanted("memory")) console.log("memory", await benchMemory());
if (wanted("intake")) console.log("intake", await benchIntake(), "bare", await benchBareIntake());
if (wanted("startup")) console.log("startup", await benchStartup());
console.log(`load average ${loadAverage()}; ${host()}`);

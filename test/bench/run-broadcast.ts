/** npm run bench:broadcast [-- <recipients> <rate>]: the broadcast benchmark alone. */
import { cpus } from "node:os";
import { benchBroadcast, broadcastMet } from "./broadcast.js";
import { loadAverage, watchHost } from "./machine.js";

const [recipients, rate] = process.argv.slice(2).map(Number);
const loadBefore = loadAverage();
const host = watchHost();
const r = await benchBroadcast(recipients || undefined, rate || undefined);
const met = broadcastMet(r);
const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
console.log("broadcast benchmark");
console.log(`  machine                    ${cpus().length} cores, load average before ${loadBefore}, after ${loadAverage()}`);
console.log(`  host                       ${host()}`);
console.log(`  recipients                 ${r.recipients} at ${r.rate}/s, one SIGKILL half-way`);
console.log(`  total time                 ${r.seconds.toFixed(2)} s (ideal ${(r.recipients / r.rate).toFixed(2)} s)`);
console.log(`  time / ideal               ${r.ratio.toFixed(3)}   (target ≤ 1.05; ${verdict(met.time)})`);
console.log(`    of which restart gap     ${r.restartSeconds.toFixed(2)} s`);
console.log(`  duplicates                 ${r.duplicates}   (target ≤ ambiguous in-flight sends: ${r.ambiguous}, themselves ≤ ${r.slots} slots)`);
console.log(`  missed                     ${r.missed}   (target 0)`);
console.log(`  429s received              ${r.tooMany}, ${r.tooManyAfterWarmup} after warm-up   (target 0 after warm-up)`);
console.log(`  bot CPU per message        ${r.cpuMsPerMessage.toFixed(3)} ms while sending, ${r.cpuMsPerMessageWithStartups.toFixed(3)} ms with both start-ups   (target ≤ 0.3 ms; ${verdict(met.cpu)})`);
console.log(`    bare grammY Api, same rate ${r.bareCpuMsPerMessage.toFixed(3)} ms   (the floor: sending alone, nothing else); desk/bare ${(r.cpuMsPerMessage / r.bareCpuMsPerMessage).toFixed(2)}`);
console.log(`  delivery targets           ${verdict(met.delivery)} (duplicates ≤ ambiguous ≤ slots, 0 missed, 0 429s after warm-up)`);

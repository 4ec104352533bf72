import { writeHeapSnapshot } from "node:v8";
import { benchIntake } from "../test/bench/stack.js";
const orig = process.memoryUsage;
const r = await benchIntake(200, 3000);
(globalThis as any).gc();
console.log(JSON.stringify(r), JSON.stringify(Object.fromEntries(Object.entries(process.memoryUsage()).map(([k, v]) => [k, Math.round(v / 1048576)]))));

import { benchFaq } from "../test/bench/stack.js";
console.log(JSON.stringify(await benchFaq(5000)));

/** Time to render one officer card (Polish, with Russian and English below), after a first warm-up render. */
import { renderCard } from "../../src/card/render.js";
import { compose, defaultChoice, loadStatements } from "../../src/card/statements.js";
import { percentile } from "./stack.js";

export function benchCard(rounds = 20): { p50: number; p99: number } {
  const statements = loadStatements();
  const chosen = defaultChoice(true);
  const blocks = ["pl", "ru", "en"].map((l) => compose(statements.get(l)!, chosen, "Example Hotline, +48 00 000 00 00"));
  renderCard(blocks);
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    renderCard(blocks);
    times.push(performance.now() - started);
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

import { execFileSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { createFaqMatcher } from "../src/faq/catalog.js";
import { tokenize } from "../src/faq/fold.js";
import type { FaqMatcher } from "../src/faq/matcher.js";
import { createI18n } from "../src/i18n/i18n.js";
import { LABELLED } from "./faq-questions.js";

let matcher: FaqMatcher;
beforeAll(async () => {
  matcher = createFaqMatcher(await createI18n());
});

describe("folding", () => {
  it("makes Cyrillic and Latin spellings of the same words meet", () => {
    expect(tokenize("как удалить")).toEqual(tokenize("kak udalit'"));
    expect(tokenize("задержали")).toEqual(tokenize("zaderzhali"));
    expect(tokenize("затрымалі")).toEqual(tokenize("zatrymali"));
    expect(tokenize("вышук")).toEqual(tokenize("vyšuk"));
  });
});

describe("FAQ matcher", () => {
  it("answers the labelled questions well enough", () => {
    let right = 0;
    let positives = 0;
    let positivesRight = 0;
    let negatives = 0;
    let negativesRight = 0;
    const wrong: string[] = [];
    for (const [question, expected] of LABELLED) {
      const got = matcher.match(question).best?.id ?? null;
      const ok = got === expected;
      if (ok) right++;
      else wrong.push(`${question} → ${got ?? "nothing"} (want ${expected ?? "nothing"})`);
      if (expected) {
        positives++;
        if (ok) positivesRight++;
      } else {
        negatives++;
        if (ok) negativesRight++;
      }
    }
    const report = `accuracy ${right}/${LABELLED.length}; answered right ${positivesRight}/${positives}; refused right ${negativesRight}/${negatives}\n${wrong.join("\n")}`;
    console.log(report);
    expect(LABELLED.length).toBeGreaterThanOrEqual(100);
    expect(positivesRight / positives, report).toBeGreaterThanOrEqual(0.85);
    expect(negativesRight / negatives, report).toBeGreaterThanOrEqual(0.85);
    expect(right / LABELLED.length, report).toBeGreaterThanOrEqual(0.85);
  });

  it("understands Russian typed in Latin letters, and typos", () => {
    expect(matcher.match("kak udalit red notice").best?.id).toBe("ccf-deletion-request");
    expect(matcher.match("kak udalit red notise").best?.id).toBe("ccf-deletion-request");
    expect(matcher.match("kak uznat est li ya v baze interpola").best?.id).toBe("how-to-check-if-listed");
    expect(matcher.match("how to delet a red notcie").best?.id).toBe("ccf-deletion-request");
  });

  it("tells which language the question is in", () => {
    expect(matcher.match("kak udalit red notice").language).toBe("ru");
    expect(matcher.match("как удалить red notice").language).toBe("ru");
    expect(matcher.match("як выдаліць чырвоны цыркуляр").language).toBe("be");
    expect(matcher.match("how do I delete a red notice").language).toBe("en");
  });

  it("refuses greetings, numbers, unrelated questions and long stories", () => {
    for (const text of ["привет", "hello", "3", "как приготовить борщ", "word ".repeat(40)]) {
      expect(matcher.match(text).best, text).toBeUndefined();
    }
  });

  it("offers other matches only below the best one", () => {
    const result = matcher.match("red notice deletion refugee");
    expect(result.best).toBeDefined();
    expect(result.others.length).toBeGreaterThan(0);
    for (const other of result.others) {
      expect(other.score).toBeLessThanOrEqual(result.best!.score);
      expect(other.id).not.toBe(result.best!.id);
    }
  });
});

describe("npm run faq", () => {
  const run = (text: string) =>
    JSON.parse(execFileSync("npm", ["run", "--silent", "faq", "--", text], { encoding: "utf8" }).trim()) as Record<string, unknown>;

  it("prints one line of JSON with id, score and language", () => {
    const result = run("kak udalit red notice");
    expect(result).toEqual({ id: "ccf-deletion-request", score: expect.any(Number), language: "ru" });
    expect(result.score as number).toBeGreaterThan(0);
    expect(result.score as number).toBeLessThanOrEqual(1);
  });

  it("prints {\"id\":null} when nothing matches", () => {
    expect(run("добрый день")).toEqual({ id: null });
  });
});

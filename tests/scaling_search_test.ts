import { assert, assertEquals, assertThrows } from "./assert.ts";
import { closestConfig, configAt, countParams, validateHeads } from "../scaling/mod.ts";
import { UserError } from "../core/user_error.ts";

Deno.test("closestConfig returns the width closest in ratio to the target, checked by brute force", () => {
  for (const rules of [{}, { vocab: 8000 }, { layers: 6, block: "preln" as const }]) {
    for (let target = 1e6; target < 3e9; target *= 1.37) {
      const { config } = closestConfig(target, rules);
      // Brute force over every width up to well past the target.
      let best = configAt(config.layers, 64, rules);
      for (let d = 128; d <= 16_384; d += 64) {
        const other = configAt(config.layers, d, rules);
        if (Math.abs(Math.log(other.params / target)) < Math.abs(Math.log(best.params / target))) {
          best = other;
        }
        if (other.params > 4 * target) break;
      }
      if (config.layers === (rules.layers ?? 4)) {
        assertEquals(config.modelD, best.modelD, `target ${Math.round(target)}`);
      }
    }
  }
});

Deno.test("every chosen configuration obeys the rules and carries its exact parameter count", () => {
  for (let target = 1e5; target < 1e11; target *= 2.3) {
    const ruleSets: { vocab?: number; vocabMultiple?: number; specialTokens?: number }[] = [
      {},
      { vocab: 9000 },
      { vocabMultiple: 128, specialTokens: 3 },
    ];
    for (const rules of ruleSets) {
      const { config } = closestConfig(target, rules, { clampToSmallest: true });
      assertEquals(config.modelD % 64, 0);
      validateHeads(config.modelD, config.heads);
      if (rules.vocab) assertEquals(config.vocab, rules.vocab);
      else {
        assertEquals(config.vocab % (rules.vocabMultiple ?? 64), 0);
        assert(config.vocab >= 256 + (rules.specialTokens ?? 1));
        assert(config.vocab <= 65_535);
      }
      assertEquals(config.params, countParams(config));
    }
  }
});

Deno.test("below model_d 64 the search drops layers; below one layer it refuses, or clamps", () => {
  const four = configAt(4, 64);
  const { config, requestedLayers } = closestConfig(four.params * 0.6);
  assertEquals(requestedLayers, 4);
  assert(config.layers < 4 && config.modelD === 64, `got ${config.layers} layers`);
  const smallest = configAt(1, 64, { vocab: 8000 });
  const error = assertThrows(
    () => closestConfig(smallest.params * 0.9, { vocab: 8000 }, { budgetLabel: "--tokens 1000" }),
    UserError,
    "--tokens 1000: the compute-optimal model has",
  );
  assert(!error.message.includes("\n"), "one line");
  assertEquals(
    closestConfig(10, { vocab: 8000 }, { clampToSmallest: true }).config,
    smallest,
  );
  assertThrows(() => closestConfig(1e6, { layers: 0 }), UserError, "layers");
});

import { assert, assertAlmostEquals, assertEquals, assertThrows } from "./assert.ts";
import {
  optimalVocabParams,
  recommendVocab,
  TAO_2024,
  tokensPerCharacter,
  vocabBounds,
} from "../scaling/mod.ts";
import { UserError } from "../core/user_error.ts";

Deno.test("the vocabulary law predicts at least 216K for Llama2-70B, as Tao et al. report", () => {
  // Llama2-70B: 68.98B parameters with untied 32,000 × 8192 input and output embeddings.
  const nonVocab = 68.98e9 - 2 * 32_000 * 8192;
  const vocab = optimalVocabParams(nonVocab) / 8192;
  assert(vocab >= 216_000 && vocab < 216_000 * 1.1, `predicted ${Math.round(vocab)}`);
});

Deno.test("optimal vocabulary parameters grow as N_nv^γ through the 33M anchor", () => {
  assertAlmostEquals(optimalVocabParams(33e6), TAO_2024.anchorVocabParams, 1e-6);
  const ratio = optimalVocabParams(330e6) / optimalVocabParams(33e6);
  assertAlmostEquals(Math.log(ratio) / Math.log(10), TAO_2024.gamma, 1e-12);
  assert(TAO_2024.gamma > 0.8 && TAO_2024.gamma < 0.85, "γ ≈ 0.83");
});

Deno.test("recommendVocab rounds to the multiple and stays within [256 + specials, 65,535]", () => {
  assertEquals(vocabBounds(), { min: 320, max: 65_472 });
  assertEquals(vocabBounds({ specialTokens: 0, vocabMultiple: 1 }), { min: 256, max: 65_535 });
  assertEquals(recommendVocab(512, 12_597_248), 2752); // the seed's d = 512 body
  for (let d = 64; d <= 16_384; d += 64) {
    const vocab = recommendVocab(d, 12 * 4 * d * d);
    assertEquals(vocab % 64, 0);
    assert(vocab >= 320 && vocab <= 65_472, `d ${d}: ${vocab}`);
  }
  assertEquals(recommendVocab(64, 1000), 320); // tiny bodies get the floor
  assertEquals(recommendVocab(64, 1e12), 65_472); // huge ones the uint16 ceiling
  assertEquals(recommendVocab(512, 12_597_248, { vocabMultiple: 1 }), 2748);
  assertThrows(() => vocabBounds({ vocabMultiple: 0 }), UserError, "multiple");
  assertThrows(() => vocabBounds({ specialTokens: -1 }), UserError, "special tokens");
});

Deno.test("tokens per character shrink as the vocabulary grows (Tao et al.'s fit)", () => {
  let previous = Infinity;
  for (const vocab of [512, 2048, 8000, 32_000, 50_257, 128_000]) {
    const perCharacter = tokensPerCharacter(vocab);
    assert(perCharacter < previous, `V ${vocab}`);
    previous = perCharacter;
  }
  // GPT-2's vocabulary: about 4.1 characters per token.
  assertAlmostEquals(1 / tokensPerCharacter(50_257), 4.13, 0.01);
});

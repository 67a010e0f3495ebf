import { assert, assertAlmostEquals, assertEquals, assertThrows } from "./assert.ts";
import {
  describeVocabRecommendation,
  MAX_STORE_VOCAB,
  optimalVocabParams,
  paramBreakdown,
  recommendVocab,
  TAO_2024,
  tokensPerCharacter,
  vocabBounds,
  vocabRecommendation,
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

Deno.test("recommendVocab rounds to the multiple and stays within [256 + specials, 2^32]", () => {
  assertEquals(vocabBounds(), { min: 320, max: 4_294_967_296 });
  assertEquals(vocabBounds({ specialTokens: 0, vocabMultiple: 1 }), { min: 256, max: 2 ** 32 });
  assertEquals(vocabBounds({ vocabMultiple: 3000 }).max, Math.floor(2 ** 32 / 3000) * 3000);
  assertEquals(recommendVocab(512, 12_597_248), 2752); // the seed's d = 512 body
  for (let d = 64; d <= 16_384; d += 64) {
    const vocab = recommendVocab(d, 12 * 4 * d * d);
    assertEquals(vocab % 64, 0);
    assert(vocab >= 320 && vocab <= MAX_STORE_VOCAB, `d ${d}: ${vocab}`);
  }
  assertEquals(recommendVocab(64, 1000), 320); // tiny bodies get the floor
  // Huge ones get what the law says: no uint16 cap, as the store holds uint32 ids.
  assertEquals(recommendVocab(64, 1e12), Math.round(optimalVocabParams(1e12) / 64 / 64) * 64);
  assert(recommendVocab(64, 1e12) > 65_536);
  assertEquals(recommendVocab(64, 1e18), 2 ** 32); // beyond even uint32: the store's ceiling
  assertEquals(recommendVocab(512, 12_597_248, { vocabMultiple: 1 }), 2748);
  assertThrows(() => vocabBounds({ vocabMultiple: 0 }), UserError, "multiple");
  assertThrows(() => vocabBounds({ specialTokens: -1 }), UserError, "special tokens");
});

Deno.test("Llama2-70B's shape gets the law's 215K, and the law, not a limit, decided", () => {
  const body = paramBreakdown({ layers: 80, modelD: 8192, vocab: 1, block: "original" }).nonVocab;
  const advice = vocabRecommendation(8192, body);
  assert(advice.vocab > 200_000, `${advice.vocab}`);
  assertEquals([advice.vocab, advice.limit], [advice.lawVocab, null]);
  assertEquals(
    describeVocabRecommendation(advice),
    "Tao et al. 2024 would pick 215,424 for this body",
  );
});

Deno.test("where a limit decides, the recommendation names it and says it decided, not the law", () => {
  const floor = vocabRecommendation(64, 49_600);
  assertEquals([floor.vocab, floor.lawVocab], [320, 192]);
  assertEquals(
    floor.limit,
    "the byte-level floor (256 bytes + 1 special token, rounded up to a multiple of 64)",
  );
  assertEquals(
    describeVocabRecommendation(floor),
    "Tao et al. 2024's law says 192 for this body; 320 is the byte-level floor (256 bytes + 1 " +
      "special token, rounded up to a multiple of 64), so that limit decides, not the law",
  );
  const exact = vocabRecommendation(64, 49_600, { specialTokens: 0, vocabMultiple: 1 });
  assertEquals([exact.vocab, exact.limit], [
    256,
    "the byte-level floor (256 bytes + 0 special tokens)",
  ]);
  const ceiling = vocabRecommendation(64, 1e18);
  assertEquals([ceiling.vocab, ceiling.limit], [2 ** 32, "the token store's ceiling (uint32 ids)"]);
  assert(ceiling.lawVocab > 2 ** 32);
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

import { assertEquals, assertThrows } from "./assert.ts";
import { countParams, paramBreakdown } from "../scaling/mod.ts";
import { parameterCount } from "../model/gpt/config.ts";
import { UserError } from "../core/user_error.ts";

Deno.test("countParams reproduces the seed's micro_gpt_4 counts exactly", () => {
  assertEquals(countParams({ layers: 4, modelD: 512, vocab: 9000 }), 17_205_248);
  assertEquals(countParams({ layers: 4, modelD: 384, vocab: 8000 }), 10_160_640);
});

Deno.test("countParams agrees with the model's own parameter layout for both block wirings", () => {
  // model/config.ts sums the shapes of every tensor microGpt creates: an independent count.
  let seed = 7;
  const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
  for (let i = 0; i < 200; i++) {
    const layers = 1 + next(12);
    const heads = 1 + next(8);
    const modelD = heads * (1 + next(96));
    const vocab = 1 + next(70_000);
    for (const block of ["original", "preln"] as const) {
      const expected = parameterCount({ layers, modelD, heads, vocab, ctx: 128, block });
      assertEquals(
        countParams({ layers, modelD, vocab, block }),
        expected,
        `${block} L${layers} d${modelD}`,
      );
    }
  }
});

Deno.test("the breakdown adds up and preln adds 2d per layer and a final 2d LayerNorm", () => {
  const seed = paramBreakdown({ layers: 4, modelD: 512, vocab: 9000 });
  assertEquals(seed.embedding, 9000 * 512);
  assertEquals(seed.perLayer, 12 * 512 * 512 + 7 * 512);
  assertEquals(seed.finalNorm, 0);
  assertEquals(seed.nonVocab + seed.embedding, seed.total);
  const preln = paramBreakdown({ layers: 4, modelD: 512, vocab: 9000, block: "preln" });
  assertEquals(preln.total - seed.total, 4 * 2 * 512 + 2 * 512);
  assertEquals(preln.finalNorm, 2 * 512);
});

Deno.test("countParams refuses shapes that are not a micro_gpt", () => {
  assertThrows(() => countParams({ layers: 0, modelD: 64, vocab: 300 }), UserError, "layers");
  assertThrows(() => countParams({ layers: 2, modelD: 64.5, vocab: 300 }), UserError, "model_d");
  assertThrows(() => countParams({ layers: 2, modelD: 64, vocab: -1 }), UserError, "vocab");
  assertThrows(
    // deno-lint-ignore no-explicit-any
    () => countParams({ layers: 2, modelD: 64, vocab: 300, block: "post" as any }),
    UserError,
    "block",
  );
});

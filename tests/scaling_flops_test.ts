import { assert, assertAlmostEquals, assertEquals, assertThrows } from "./assert.ts";
import { countParams, flopsPerToken } from "../scaling/mod.ts";
import { UserError } from "../core/user_error.ts";

// An independent count: every matrix product of one training sequence of the seed block, written as
// the shapes microGpt multiplies (2·m·k·n FLOPs each), plus Appendix F's 3·heads·ctx² softmax;
// the embedding lookup counted as a one-hot matmul, as Hoffmann et al. do; × 3 for the backward.
function flopsFromShapes(layers: number, d: number, vocab: number, heads: number, ctx: number) {
  const matmul = (m: number, k: number, n: number) => 2 * m * k * n;
  const headSize = d / heads;
  let forward = matmul(ctx, vocab, d); // one-hot ids × embedding
  for (let l = 0; l < layers; l++) {
    for (const _ of ["q", "k", "v"]) forward += matmul(ctx, d, d);
    for (let h = 0; h < heads; h++) {
      forward += matmul(ctx, headSize, ctx); // q · kᵀ
      forward += matmul(ctx, ctx, headSize); // softmax · v
    }
    forward += 3 * heads * ctx * ctx; // softmax
    forward += matmul(ctx, d, d); // W_o
    forward += matmul(ctx, d, 4 * d) + matmul(ctx, 4 * d, d); // FFN
  }
  forward += matmul(ctx, d, vocab); // logits through the tied embedding
  return (3 * forward) / ctx;
}

Deno.test("Appendix F FLOPs per token equal the sum over the model's matrix shapes", () => {
  for (
    const [layers, d, vocab, heads, ctx] of [
      [4, 512, 9000, 8, 128],
      [4, 384, 8000, 12, 128],
      [1, 64, 320, 1, 16],
      [6, 768, 50257, 12, 1024],
    ]
  ) {
    const flops = flopsPerToken({ layers, modelD: d, vocab, heads, ctx });
    assertAlmostEquals(flops.appendixF, flopsFromShapes(layers, d, vocab, heads, ctx), 1e-3);
    assertEquals(flops.forward.total * 3, flops.appendixF);
    assertEquals(flops.sixN, 6 * countParams({ layers, modelD: d, vocab }));
  }
});

Deno.test("Appendix F approaches 6N when the matmuls dominate (wide model, short context)", () => {
  // 3 × 24·L·d² forward = 72·L·d² = 6 × 12·L·d²; the remaining terms shrink with d.
  const wide = flopsPerToken({ layers: 8, modelD: 8192, vocab: 256, heads: 64, ctx: 8 });
  assertAlmostEquals(wide.appendixF / wide.sixN, 1, 0.01);
  // A long context and a big vocabulary push it above: attention scores and embedding FLOPs.
  const seed = flopsPerToken({ layers: 4, modelD: 512, vocab: 9000, heads: 8, ctx: 1024 });
  assert(seed.appendixF / seed.sixN > 1.5, `ratio ${seed.appendixF / seed.sixN}`);
});

Deno.test("flopsPerToken defaults ctx to 128 and refuses a bad head count", () => {
  assertEquals(flopsPerToken({ layers: 4, modelD: 512, vocab: 9000, heads: 8 }).ctx, 128);
  assertThrows(() => flopsPerToken({ layers: 4, modelD: 512, vocab: 9000, heads: 3 }), UserError);
  assertThrows(
    () => flopsPerToken({ layers: 4, modelD: 512, vocab: 9000, heads: 8, ctx: 0 }),
    UserError,
    "ctx",
  );
});

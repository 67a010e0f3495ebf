import { assert, assertEquals, assertThrows } from "./assert.ts";
import { defaultHeads, HEAD_SIZE_RANGE, validateHeads } from "../scaling/mod.ts";
import { UserError } from "../core/user_error.ts";

Deno.test("defaultHeads gives head size 64 for every multiple of 64", () => {
  for (let d = 64; d <= 8192; d += 64) assertEquals(d / defaultHeads(d), 64);
});

Deno.test("defaultHeads picks the divisor with the head size closest to 64 within 32..128", () => {
  for (let d = 32; d <= 2000; d++) {
    let expected: number | undefined;
    for (let size = HEAD_SIZE_RANGE.max; size >= HEAD_SIZE_RANGE.min; size--) {
      if (d % size !== 0) continue;
      if (expected === undefined || Math.abs(size - 64) < Math.abs(d / expected - 64)) {
        expected = d / size;
      }
    }
    if (expected === undefined) {
      assertThrows(() => defaultHeads(d), UserError, "--heads");
    } else {
      assertEquals(defaultHeads(d), expected, `model_d ${d}`);
      validateHeads(d, defaultHeads(d));
    }
  }
  assertEquals(defaultHeads(2046), 31); // head sizes 66 and 62 tie; the larger wins
});

Deno.test("validateHeads refuses head counts that do not divide or give odd head sizes", () => {
  assertThrows(() => validateHeads(512, 3), UserError, "does not divide");
  assertThrows(() => validateHeads(512, 32), UserError, "head size of 16");
  assertThrows(() => validateHeads(512, 2), UserError, "head size of 256");
  validateHeads(384, 12); // the seed's second model: head size 32
  assert(true);
});

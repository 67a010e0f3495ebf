import { Random } from "../model/gpt/random.ts";
import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertNotEquals,
  assertThrows,
} from "./assert.ts";

Deno.test("xoshiro128** matches the reference implementation's output for state [1, 2, 3, 4]", () => {
  // From the reference C code (Blackman & Vigna, xoshiro128starstar.c), run on s = {1, 2, 3, 4}.
  const random = Random.fromState([1, 2, 3, 4]);
  const outputs = Array.from({ length: 6 }, () => random.nextUint32());
  assertEquals(outputs, [11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
});

Deno.test("a generator resumed from its state continues the same stream", () => {
  const random = new Random(42);
  for (let i = 0; i < 1000; i++) random.next();
  random.normal();
  const saved = JSON.parse(JSON.stringify(random.state()));
  const expected = Array.from({ length: 50 }, (_, i) => i % 2 ? random.next() : random.normal());
  const resumed = Random.fromState(saved);
  assertEquals(
    Array.from({ length: 50 }, (_, i) => i % 2 ? resumed.next() : resumed.normal()),
    expected,
  );
});

Deno.test("seeds: same seed same stream; nearby, large and negative seeds all differ", () => {
  const first = (seed: number) =>
    Array.from({ length: 4 }, ((r) => () => r.nextUint32())(new Random(seed)));
  assertEquals(first(0), first(0));
  const streams = [0, 1, 2, 2 ** 32, 2 ** 40 + 1, -1].map((seed) => JSON.stringify(first(seed)));
  assertEquals(new Set(streams).size, streams.length);
  assertThrows(() => new Random(NaN), RangeError);
});

Deno.test("next() is uniform on [0, 1): mean 1/2, variance 1/12, never 1", () => {
  const random = new Random(1);
  const n = 100_000;
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const x = random.next();
    assert(x >= 0 && x < 1, `out of range: ${x}`);
    sum += x;
    squares += x * x;
  }
  assertAlmostEquals(sum / n, 0.5, 0.005);
  assertAlmostEquals(squares / n - (sum / n) ** 2, 1 / 12, 0.002);
});

Deno.test("normal() has mean 0, variance 1, and the Gaussian tail mass", () => {
  const random = new Random(2);
  const n = 100_000;
  let sum = 0;
  let squares = 0;
  let beyondTwo = 0;
  for (let i = 0; i < n; i++) {
    const x = random.normal();
    sum += x;
    squares += x * x;
    if (Math.abs(x) > 2) beyondTwo++;
  }
  assertAlmostEquals(sum / n, 0, 0.015);
  assertAlmostEquals(squares / n, 1, 0.02);
  assertAlmostEquals(beyondTwo / n, 0.0455, 0.003); // P(|Z| > 2) = 0.0455
});

Deno.test("int(n) covers [0, n) evenly", () => {
  const random = new Random(3);
  const counts = new Array(7).fill(0);
  for (let i = 0; i < 70_000; i++) counts[random.int(7)]++;
  counts.forEach((count) => assertAlmostEquals(count, 10_000, 400));
  assertThrows(() => random.int(0), RangeError);
});

Deno.test("fillNormal scales by std and advances the stream", () => {
  const random = new Random(4);
  const a = random.fillNormal(new Float32Array(3), 0.5);
  const reference = new Random(4);
  a.forEach((value) => assertAlmostEquals(value, Math.fround(reference.normal() * 0.5), 0));
  assertNotEquals(Array.from(random.fillNormal(new Float32Array(3), 0.5)), Array.from(a));
});

Deno.test("fromState refuses malformed states", () => {
  for (const bad of [[1, 2, 3], [0, 0, 0, 0], [1, 2, 3, 2 ** 32], [1, 2, 3, -1], [1, 2, 3, 0.5]]) {
    assertThrows(() => Random.fromState(bad), RangeError, "Random.fromState");
  }
});

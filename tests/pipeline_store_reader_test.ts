import { assert, assertEquals, assertRejects } from "./assert.ts";
import { openStore } from "../pipeline/store/reader.ts";
import { UserError } from "../core/user_error.ts";
import {
  expectedSplits,
  seededRandom,
  syntheticDocuments,
  writeSyntheticStore,
} from "./pipeline_store_fixtures.ts";

const documents = syntheticDocuments(3000, 21);
const expected = expectedSplits(documents, 999, 0.1);

async function withStore(test: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    // Shards of 16,384 tokens hold two inner chunks of 8,192: reads decode only the one they touch.
    await writeSyntheticStore(`${dir}/tokens.zarr`, documents, { chunkTokens: 16384 });
    await test(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("batch: each row is the window at the rng's start, read through the chunk cache", () =>
  withStore(async (dir) => {
    const store = await openStore(`${dir}/tokens.zarr`);
    const truth = expected.train.tokens;
    const [batchSize, context] = [16, 100];
    const draws = seededRandom(5);
    const starts: number[] = [];
    const batch = await store.batch("train", batchSize, context, () => {
      const value = draws();
      starts.push(Math.floor(value * (truth.length - context)));
      return value;
    });
    assertEquals(batch.length, batchSize * (context + 1));
    for (let row = 0; row < batchSize; row++) {
      const window = Array.from(batch.subarray(row * (context + 1), (row + 1) * (context + 1)));
      assertEquals(window, truth.slice(starts[row], starts[row] + context + 1), `row ${row}`);
    }
    // Only the inner chunks under the windows were decoded: at most 2 per row.
    const { misses } = store.cacheStats();
    assert(misses <= 2 * batchSize, `${misses} chunks decoded for ${batchSize} rows`);
    assert(misses < truth.length / 8192 / 2, "a batch must not decode the whole split");
    // rng() values at the edges of [0, 1) give the first and the last window.
    const edges = await store.batch(
      "val",
      2,
      50,
      ((values) => () => values.shift()!)([0, 0.9999999999]),
    );
    assertEquals(Array.from(edges.subarray(0, 51)), expected.val.tokens.slice(0, 51));
    assertEquals(Array.from(edges.subarray(51)), expected.val.tokens.slice(-51));
  }));

Deno.test("batch: a small cache evicts chunks yet returns the same windows", () =>
  withStore(async (dir) => {
    const big = await openStore(dir);
    const small = await openStore(dir, { cacheBytes: 3 * 16384 });
    for (let round = 0; round < 20; round++) {
      const [a, b] = [seededRandom(round), seededRandom(round)];
      assertEquals(await small.batch("train", 8, 300, a), await big.batch("train", 8, 300, b));
    }
    assert(small.cacheStats().bytes <= 3 * 16384, `cache holds ${small.cacheStats().bytes}`);
    assert(small.cacheStats().misses > big.cacheStats().misses);
  }));

Deno.test("iterate: windows of context + 1 at stride context, the partial tail dropped", () =>
  withStore(async (dir) => {
    const store = await openStore(dir);
    const truth = expected.val.tokens;
    const context = 64;
    const windows: number[][] = [];
    for await (const window of store.iterate("val", context)) windows.push(Array.from(window));
    assertEquals(windows.length, Math.floor((truth.length - 1) / context));
    windows.forEach((window, i) =>
      assertEquals(window, truth.slice(i * context, i * context + context + 1))
    );
    // Every token but the first is a target exactly once, except fewer than `context` at the end.
    assert(truth.length - 1 - windows.length * context < context);
  }));

Deno.test("openStore: attributes, counts and clear errors", () =>
  withStore(async (dir) => {
    const store = await openStore(dir);
    assertEquals(store.vocabSize, 1000);
    assertEquals(store.eotId, 999);
    assertEquals(store.tokens("val"), expected.val.tokens.length);
    assertEquals(store.documents("train"), expected.train.offsets.length);
    assertEquals(store.bytes("train"), expected.train.bytes);
    await assertRejects(() => openStore(`${dir}/missing`), UserError, "does not exist");
    await assertRejects(
      () => openStore(`${dir}/tokens.zarr/train`),
      UserError,
      "not a token store",
    );
    await assertRejects(
      () => store.batch("train", 1, store.tokens("train"), Math.random),
      UserError,
      "fewer than one window",
    );
    await assertRejects(
      () => store.batch("test" as "train", 1, 8, Math.random),
      UserError,
      "unknown split",
    );
    await Deno.remove(`${dir}/tokens.zarr/val/tokens/c/0`);
    const damaged = await openStore(dir);
    // A missing shard reads as the fill value 0 (Zarr semantics); a corrupt one is an error.
    const zeros = await damaged.batch("val", 1, 10, () => 0);
    assertEquals(Array.from(zeros), new Array(11).fill(0));
    await Deno.writeFile(`${dir}/tokens.zarr/train/tokens/c/0`, new Uint8Array(100));
    await assertRejects(
      () => damaged.batch("train", 1, 10, () => 0),
      UserError,
      "train/tokens/c/0",
    );
  }));

Deno.test("openStore: an incomplete store is refused with what to do", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await writeSyntheticStore(`${dir}/tokens.zarr`, documents, {
      chunkTokens: 1024,
      stopAfterCommits: 2,
    });
    await assertRejects(() => openStore(dir), UserError, "run it again with the same arguments");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

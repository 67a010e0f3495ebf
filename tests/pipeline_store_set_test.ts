/** Several real stores read as one `TokenStore` (`openStore` of a list, a glob or a manifest). */
import { UserError } from "../core/user_error.ts";
import { mergeStores, openStore, type Split, type TokenStore } from "../pipeline/mod.ts";
import { assert, assertEquals, assertRejects } from "./assert.ts";
import { copyTree, seededRandom } from "./pipeline_store_fixtures.ts";
import { editStoreAttributes, writeStoreSet } from "./store_set_fixture.ts";

const dir = await Deno.makeTempDir({ prefix: "store_set_" });
const fixture = await writeStoreSet(dir);
const singles = await Promise.all(fixture.stores.map((store) => openStore(store)));
const ctx = 16;

/** All tokens of a split, read as one window. */
async function allTokens(store: TokenStore, split: Split): Promise<Int32Array> {
  for await (const window of store.iterate(split, store.tokens(split) - 1)) return window;
  throw new Error("no tokens");
}

Deno.test("a list, a comma list, a glob and a manifest open the same three stores; totals add up", async () => {
  await mergeStores(`${dir}/merged`, fixture.stores);
  const forms = [fixture.stores, fixture.stores.join(","), fixture.glob, `${dir}/merged`];
  for (const form of forms) {
    const set = await openStore(form);
    assertEquals(set.stores?.map((store) => store.path), singles.map((store) => store.path));
    for (const split of ["train", "val"] as const) {
      const sum = (value: (store: TokenStore) => number) =>
        singles.reduce((total, store) => total + value(store), 0);
      assertEquals(set.tokens(split), sum((store) => store.tokens(split)));
      assertEquals(set.documents(split), sum((store) => store.documents(split)));
      assertEquals(set.bytes(split), sum((store) => store.bytes(split)));
    }
    assertEquals(set.vocabSize, singles[0].vocabSize);
    assertEquals(set.attributes.tokenizer_sha256, singles[0].attributes.tokenizer_sha256);
  }
  assertEquals((await openStore(`${dir}/merged/stores.json`)).path, `${dir}/merged`);
  assertEquals((await openStore(fixture.glob)).path, fixture.glob);
});

Deno.test("iterate yields every store's val windows, store after store in the order named", async () => {
  const reversed = await openStore([...fixture.stores].reverse());
  const got = await Array.fromAsync(reversed.iterate("val", ctx));
  const expected: Int32Array[] = [];
  for (const store of [...singles].reverse()) {
    expected.push(...await Array.fromAsync(store.iterate("val", ctx)));
  }
  assertEquals(got.length, expected.length);
  assertEquals(got.length, reversed.windowCount!("val", ctx));
  got.forEach((window, i) => assertEquals(Array.from(window), Array.from(expected[i])));
});

Deno.test("batch draws each window inside one store, the stores in proportion to their tokens", async () => {
  const set = await openStore(fixture.glob);
  // Every window of each store's train split, as text: a row of the batch must be one of them.
  const windows = await Promise.all(singles.map(async (store) => {
    const tokens = await allTokens(store, "train");
    const keys = new Set<string>();
    for (let start = 0; start + ctx + 1 <= tokens.length; start++) {
      keys.add(tokens.subarray(start, start + ctx + 1).join(","));
    }
    return keys;
  }));
  const counts = [0, 0, 0];
  const rng = seededRandom(13);
  const rows = 40 * 64;
  for (let b = 0; b < 40; b++) {
    const batch = await set.batch("train", 64, ctx, rng);
    for (let row = 0; row < 64; row++) {
      const key = batch.subarray(row * (ctx + 1), (row + 1) * (ctx + 1)).join(",");
      const owners = windows.flatMap((keys, store) => keys.has(key) ? [store] : []);
      assertEquals(owners.length, 1, `row ${row} of batch ${b} is in stores ${owners}`);
      counts[owners[0]]++;
    }
  }
  const starts = singles.map((store) => store.tokens("train") - ctx);
  const total = starts.reduce((a, b) => a + b);
  counts.forEach((count, store) => {
    const p = starts[store] / total;
    const bound = 5 * Math.sqrt(rows * p * (1 - p)); // five standard deviations
    assert(
      Math.abs(count - rows * p) < bound,
      `store ${store}: ${count} rows, expected ${rows * p}`,
    );
  });
  assert(counts[2] > counts[0] * 1.8, `${counts}: the largest store drawn about 3x the smallest`);
});

Deno.test("a set of one store draws the batches of that store", async () => {
  const one = await openStore([fixture.stores[1]]);
  assert(one.stores?.length === 1);
  const a = await one.batch("train", 8, ctx, seededRandom(5));
  const b = await singles[1].batch("train", 8, ctx, seededRandom(5));
  assertEquals(Array.from(a), Array.from(b));
});

Deno.test("refused in one line naming the store: another tokenizer, dtype or vocabulary, an incomplete store, a glob of nothing, a store named twice", async () => {
  const other = `${dir}/other`;
  await copyTree(fixture.stores[0], other);
  await editStoreAttributes(other, { tokenizer_sha256: "f".repeat(64) });
  const refuse = async (spec: string[] | string, message: string) => {
    const error = await assertRejects(() => openStore(spec), UserError, message);
    assert(!error.message.includes("\n"), error.message);
  };
  await refuse([fixture.stores[1], other], `${other}/tokens.zarr: tokenizer sha256 ffffffffffff…`);
  await editStoreAttributes(other, { dtype: "uint32" });
  await refuse([fixture.stores[1], other], `${other}/tokens.zarr: dtype uint32`);
  await editStoreAttributes(other, {
    dtype: "uint16",
    vocab_size: 500,
    tokenizer_sha256: singles[0].attributes.tokenizer_sha256,
  });
  await refuse([fixture.stores[1], other], `${other}/tokens.zarr: vocabulary 500`);
  await editStoreAttributes(other, { vocab_size: singles[0].vocabSize, complete: false });
  await refuse([fixture.stores[1], other], `${other}/tokens.zarr is incomplete`);
  await refuse(`${dir}/nothing-*`, `${dir}/nothing-*: the pattern matches no token store`);
  await refuse([fixture.stores[0], `${fixture.stores[0]}/tokens.zarr`], "named twice");
});

Deno.test("a manifest naming a missing store is refused, naming the store", async () => {
  const moved = `${dir}/moving`;
  await Deno.mkdir(moved);
  await copyTree(fixture.stores[0], `${moved}/a`);
  await copyTree(fixture.stores[1], `${moved}/b`);
  await mergeStores(`${moved}/merged`, [`${moved}/a`, `${moved}/b`]);
  // Paths are relative to the manifest: the whole folder can move.
  await Deno.rename(moved, `${dir}/moved`);
  assertEquals((await openStore(`${dir}/moved/merged`)).stores?.length, 2);
  await Deno.remove(`${dir}/moved/b`, { recursive: true });
  await assertRejects(
    () => openStore(`${dir}/moved/merged`),
    UserError,
    `${dir}/moved/merged/stores.json: names the store ../b`,
  );
});

Deno.test({
  name: "cleanup",
  fn: async () => await Deno.remove(dir, { recursive: true }),
});

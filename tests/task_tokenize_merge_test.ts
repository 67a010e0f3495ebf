/** End to end: `deno task tokenize --merge OUT STORE...`, and train/eval reading the merged stores as one. */
import { openStore, tokenizeCorpus } from "../pipeline/mod.ts";
import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { copyTree } from "./pipeline_store_fixtures.ts";
import { editStoreAttributes, saveTokenizer, writeStoreSet } from "./store_set_fixture.ts";
import { runTaskProcess } from "./task_process.ts";

const dir = await Deno.makeTempDir({ prefix: "task_merge_" });
const fixture = await writeStoreSet(dir);
const merge = (...args: string[]) => runTaskProcess("tokenize", "--merge", ...args);

Deno.test("--merge writes OUT/stores.json (paths relative to OUT) and OUT/tokenizer.json, copying no tokens", async () => {
  const out = `${dir}/merged`;
  const { code, stdout, stderr } = await merge(out, fixture.glob, "--json");
  assertEquals(code, 0, stderr);
  const summary = JSON.parse(stdout);
  assertEquals(summary.stores.length, 3);
  const manifest = JSON.parse(await Deno.readTextFile(`${out}/stores.json`));
  assertEquals(manifest.stores, ["../shards/shard-0", "../shards/shard-1", "../shards/shard-2"]);
  assertEquals(manifest.splits, summary.splits);
  assertEquals(
    await Deno.readTextFile(`${out}/tokenizer.json`),
    await Deno.readTextFile(fixture.tokenizerPath),
  );
  const names = (await Array.fromAsync(Deno.readDir(out))).map((entry) => entry.name).sort();
  assertEquals(names, ["stores.json", "tokenizer.json"]);
  const plain = await merge(`${dir}/merged-list`, ...fixture.stores);
  assertEquals(plain.code, 0, plain.stderr);
  assertStringIncludes(plain.stdout, `${dir}/merged-list/stores.json: 3 stores, train `);
});

Deno.test("--merge refuses in one line, exit 1, writing nothing: an incomplete store, another tokenizer or dtype, a glob of nothing, a manifest naming a missing store", async () => {
  const odd = `${dir}/odd`;
  await copyTree(fixture.stores[0], `${odd}/incomplete`);
  await editStoreAttributes(`${odd}/incomplete`, { complete: false });
  await copyTree(fixture.stores[0], `${odd}/wide`);
  await editStoreAttributes(`${odd}/wide`, { dtype: "uint32" });
  // A real store of another tokenizer with the same vocabulary.
  const otherLines = Array.from(
    { length: 1500 },
    (_, i) => `${i * i} zebra ${i % 17} quartz jumps over ${i} lazy foxes`,
  );
  await saveTokenizer(`${odd}/other.json`, otherLines);
  await Deno.writeTextFile(`${odd}/other.txt`, otherLines.join("\n"));
  await tokenizeCorpus({
    inputs: [`${odd}/other.txt`],
    splitLines: true,
    tokenizerPath: `${odd}/other.json`,
    outDir: `${odd}/other`,
    workers: 1,
  });
  // A manifest whose second store is gone.
  await copyTree(fixture.stores[1], `${odd}/gone`);
  assertEquals((await merge(`${odd}/partial`, fixture.stores[0], `${odd}/gone`)).code, 0);
  await Deno.remove(`${odd}/gone`, { recursive: true });
  const cases: [string[], string][] = [
    [[fixture.stores[0], `${odd}/incomplete`], `${odd}/incomplete/tokens.zarr is incomplete`],
    [[fixture.stores[0], `${odd}/other`], `${odd}/other/tokens.zarr: tokenizer sha256`],
    [[fixture.stores[0], `${odd}/wide`], `${odd}/wide/tokens.zarr: dtype uint32`],
    [[`${dir}/nothing-*`], `${dir}/nothing-*: the pattern matches no token store`],
    [[`${odd}/partial`], `${odd}/partial/stores.json: names the store ../gone`],
  ];
  for (const [stores, message] of cases) {
    const out = `${dir}/refused`;
    const { code, stderr } = await merge(out, ...stores);
    assertEquals(code, 1, stderr);
    const lines = stderr.trim().split("\n");
    assertEquals(lines.length, 1, stderr);
    assertStringIncludes(lines[0], `error: ${message}`);
    assert(await Deno.stat(out).then(() => false, () => true), `${out} was written`);
  }
});

Deno.test("train --data MANIFEST trains on the merged stores, and eval reads every store's val split", async () => {
  const data = `${dir}/for-train`;
  assertEquals((await merge(data, fixture.glob)).code, 0);
  const run = `${dir}/run`;
  const trained = await runTaskProcess(
    "train",
    ...["--backend", "cpu", "--data", `${data}/stores.json`, "--out", run],
    ...["--layers", "1", "--model-d", "16", "--heads", "2", "--ctx", "8", "--batch", "4"],
    ...["--eval-tokens", "256", "--steps", "3", "--json"],
  );
  assertEquals(trained.code, 0, trained.stderr);
  assertEquals(
    await Deno.readTextFile(`${run}/tokenizer.json`),
    await Deno.readTextFile(fixture.tokenizerPath),
  );
  const evaluated = await runTaskProcess("eval", "--backend", "cpu", "--run", run, "--json");
  assertEquals(evaluated.code, 0, evaluated.stderr);
  const result = JSON.parse(evaluated.stdout);
  // The windows of every store's val split: each store's own windows, none across two stores.
  const singles = await Promise.all(fixture.stores.map((store) => openStore(store)));
  const windows = singles.reduce(
    (sum, store) => sum + Math.floor((store.tokens("val") - 1) / 8),
    0,
  );
  assertEquals(result.tokens, windows * 8);
  assert(Number.isFinite(result.val_loss), evaluated.stdout);
  // A glob works as --data too (the tokenizer is the first store's).
  const globbed = await runTaskProcess(
    "eval",
    ...["--backend", "cpu", "--run", run, "--data", fixture.glob, "--json"],
  );
  assertEquals(globbed.code, 0, globbed.stderr);
  assertEquals(JSON.parse(globbed.stdout).val_loss, result.val_loss);
});

Deno.test({
  name: "cleanup",
  fn: async () => await Deno.remove(dir, { recursive: true }),
});

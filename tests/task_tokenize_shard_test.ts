/**
 * `deno task tokenize --shard I/N` in subprocesses: all N shards (N = 1, 2, 3, 7) of JSONL files
 * and a tar of JSONL members hold exactly the documents of an unsharded run, each once, in the same
 * split with the same tokens, and merged (`--merge`) read as one store of the unsharded totals; a shard killed with SIGKILL and run again completes its share and
 * nothing else; a resume with another --shard is refused; bad --shard flags are refused in one
 * line with nothing written.
 */
import { assert, assertEquals, assertStringIncludes } from "./assert.ts";
import { openStore, type Split, tokenizeCorpus } from "../pipeline/mod.ts";
import { decodeOutput, runTaskProcess, taskCommand } from "./task_process.ts";
import { readStoreArrays, trainSmallTokenizer } from "./pipeline_store_fixtures.ts";
import { storeDocuments, writeShardInputs } from "./pipeline_store_shard_fixtures.ts";

const work = await Deno.makeTempDir();
const tokenizerPath = `${work}/tokenizer.json`;
await trainSmallTokenizer(tokenizerPath);
const { input } = await writeShardInputs(work);
const common = ["--tokenizer", tokenizerPath, "--val-fraction", "0.2", "--workers", "1"];
const whole = await tokenizeCorpus({
  inputs: [input],
  tokenizerPath,
  valFraction: 0.2,
  workers: 1,
  outDir: `${work}/whole`,
});
const wholeDocuments = await storeDocuments(`${work}/whole`);

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

for (const count of [1, 2, 3, 7]) {
  Deno.test(`tokenize --shard I/${count}: the shards hold the unsharded run's documents, each once`, async () => {
    const shards = Array.from({ length: count }, (_, index) => index);
    // The shards run as separate processes, all at once (as the tasks of a cluster job).
    const outputs = await Promise.all(shards.map((index) =>
      runTaskProcess(
        "tokenize",
        "--input",
        input,
        ...common,
        "--shard",
        `${index}/${count}`,
        "--out",
        `${work}/of${count}/shard-${index}`,
        "--json",
      )
    ));
    const union: Record<Split, string[]> = { train: [], val: [] };
    const totals = { documents: 0, train: 0, val: 0, bytes: 0 };
    for (const [index, output] of outputs.entries()) {
      assertEquals(output.code, 0, output.stderr);
      const summary = JSON.parse(output.stdout);
      assertEquals(summary.shard, { index, count });
      assertEquals(summary.status, "complete");
      totals.documents += summary.documents;
      totals.train += summary.splits.train.tokens;
      totals.val += summary.splits.val.tokens;
      totals.bytes += summary.splits.train.bytes + summary.splits.val.bytes;
      const documents = await storeDocuments(`${work}/of${count}/shard-${index}`);
      for (const split of ["train", "val"] as const) union[split].push(...documents[split]);
    }
    for (const split of ["train", "val"] as const) union[split].sort();
    // Disjoint and complete: the multiset union is the unsharded run's (documents are distinct).
    assertEquals(union, wholeDocuments);
    assertEquals(totals, {
      documents: whole.documents,
      train: whole.splits.train.tokens,
      val: whole.splits.val.tokens,
      bytes: whole.splits.train.bytes + whole.splits.val.bytes,
    });
    // Merged (a manifest, no tokens copied), the shards read as one store of the unsharded totals.
    const mergedDir = `${work}/of${count}/merged`;
    const merged = await runTaskProcess(
      "tokenize",
      "--merge",
      mergedDir,
      `${work}/of${count}/shard-*`,
    );
    assertEquals(merged.code, 0, merged.stderr);
    const set = await openStore(mergedDir);
    assertEquals(set.stores?.length ?? 1, count);
    assertEquals(
      [set.tokens("train"), set.tokens("val"), set.documents("train") + set.documents("val")],
      [whole.splits.train.tokens, whole.splits.val.tokens, whole.documents],
    );
  });
}

/** Committed train token chunks in the store's journal (-1 before there is one). */
async function committedChunks(outDir: string): Promise<number> {
  try {
    const root = JSON.parse(await Deno.readTextFile(`${outDir}/tokens.zarr/zarr.json`));
    return root.attributes.resume?.train.token_chunks ?? (root.attributes.complete ? Infinity : 0);
  } catch {
    return -1;
  }
}

Deno.test("tokenize --shard: kill -9 mid-run, then the same command completes the share and nothing else", async () => {
  const outDir = `${work}/killed`;
  const args = [
    ...common,
    "--shard",
    "1/3",
    "--chunk-tokens",
    "1024",
    "--max-docs",
    "8000",
    "--out",
    outDir,
  ];
  const child = taskCommand("tokenize", args).spawn();
  const output = child.output();
  let exited = false;
  output.finally(() => exited = true);
  let killed = false;
  while (!exited) {
    const chunks = await committedChunks(outDir);
    if (chunks === Infinity) break;
    if (chunks >= 10) {
      child.kill("SIGKILL");
      killed = true;
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const status = await output;
  assert(killed && status.signal === "SIGKILL", "the shard finished before it could be killed");
  // Another share is a different run: refused, the store left as it was.
  const other = await runTaskProcess("tokenize", ...args.map((a) => a === "1/3" ? "2/3" : a));
  assertEquals(other.code, 1);
  assertStringIncludes(other.stderr, "--shard: 1/3 before, 2/3 now");
  const again = decodeOutput(await taskCommand("tokenize", [...args, "--json"]).output());
  assertEquals(again.code, 0, again.stderr);
  const summary = JSON.parse(again.stdout);
  assertEquals([summary.status, summary.resumed, summary.shard], ["complete", true, {
    index: 1,
    count: 3,
  }]);
  const reference = await tokenizeCorpus({
    tokenizerPath,
    valFraction: 0.2,
    chunkTokens: 1024,
    maxDocs: 8000,
    shard: { index: 1, count: 3 },
    outDir: `${work}/unkilled`,
  });
  assertEquals(summary.documents, reference.documents);
  assertEquals(
    await readStoreArrays(`${outDir}/tokens.zarr`),
    await readStoreArrays(reference.storePath),
  );
});

Deno.test("tokenize --shard: bad shares and a missing --tokenizer are one line, exit 1, nothing written", async () => {
  const cases: [string[], string][] = [
    [["--shard", "3/2", "--tokenizer", tokenizerPath], "--shard 3/2: I must be from 0 to 1"],
    [["--shard", "0/0", "--tokenizer", tokenizerPath], "--shard 0/0: N must be at least 1"],
    [["--shard", "x", "--tokenizer", tokenizerPath], "--shard x: expected I/N"],
    [["--shard", "1/2"], "--shard 1/2 needs --tokenizer FILE"],
  ];
  for (const [flags, message] of cases) {
    const outDir = `${work}/bad`;
    const { code, stderr } = await runTaskProcess(
      "tokenize",
      "--input",
      input,
      ...flags,
      "--out",
      outDir,
    );
    assertEquals(code, 1, stderr);
    assertStringIncludes(stderr, message);
    assertEquals(stderr.trim().split("\n").length, 1, stderr);
    assert(!await exists(outDir), `${flags.join(" ")}: ${outDir} was written`);
  }
  const { stderr } = await runTaskProcess("tokenize", "--shard", "1/2", "--out", `${work}/bad`);
  assertStringIncludes(stderr, "deno task tokenize --max-docs N --out DIR");
});

globalThis.addEventListener("unload", () => Deno.removeSync(work, { recursive: true }));

import { assert, assertEquals, assertRejects } from "./assert.ts";
import { openStore, readDocuments, tokenizeCorpus, type TokenizeOptions } from "../pipeline/mod.ts";
import { UserError } from "../core/mod.ts";
import {
  expectedCorpusSplits,
  readStoreArrays,
  referenceStore,
  trainSmallTokenizer,
} from "./pipeline_store_fixtures.ts";
import { run } from "./pipeline_sources_fixtures.ts";

const MAX_DOCS = 4000;
const work = await Deno.makeTempDir();
const tokenizerPath = `${work}/given.json`;
const tokenizer = await trainSmallTokenizer(tokenizerPath);
const expected = await expectedCorpusSplits([], MAX_DOCS, tokenizer, 0.05);
const options = {
  tokenizerPath,
  maxDocs: MAX_DOCS,
  valFraction: 0.05,
  chunkTokens: 4096,
};
const referenceArrays = referenceStore(() =>
  tokenizeCorpus({ ...options, outDir: `${work}/reference`, workers: 1 })
);

Deno.test({
  name: "tokenizeCorpus: each document encoded, EOT after it, in input order, in its hash's split",
  async fn() {
    const arrays = await referenceArrays();
    for (const split of ["train", "val"] as const) {
      assertEquals(arrays[`${split}/tokens`], expected[split].tokens, `${split} tokens`);
      assertEquals(arrays[`${split}/doc_offsets`], expected[split].offsets, `${split} offsets`);
    }
    const store = await openStore(`${work}/reference`);
    assertEquals(store.bytes("train"), expected.train.bytes);
    assertEquals(store.documents("val"), expected.val.offsets.length);
    assert(expected.val.offsets.length > 100, "val must not be empty at 5%");
    const attributes = store.attributes as Record<string, unknown>;
    assertEquals(attributes.vocab_size, 400);
    assertEquals(attributes.eot_id, tokenizer.eotId);
    assertEquals(attributes.dtype, "uint16");
    const digest = new Uint8Array(
      await crypto.subtle.digest(
        "SHA-256",
        await Deno.readFile(`${work}/reference/tokenizer.json`),
      ),
    );
    assertEquals(
      attributes.tokenizer_sha256,
      Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join(""),
    );
    assertEquals(
      await Deno.readTextFile(`${work}/reference/tokenizer.json`),
      await Deno.readTextFile(tokenizerPath),
    );
    const inputs = attributes.inputs as { path: string }[];
    assert(
      inputs.length === 1 && inputs[0].path.startsWith("npm:nlp-corpus"),
      JSON.stringify(inputs),
    );
  },
});

Deno.test("tokenizeCorpus: two workers write exactly the store one worker writes", async () => {
  await tokenizeCorpus({ ...options, outDir: `${work}/two`, workers: 2 });
  assertEquals(await readStoreArrays(`${work}/two/tokens.zarr`), await referenceArrays());
});

/**
 * Stops `tokenizeCorpus(settings)` by its signal a little later each time (progress comes after
 * every commit) and runs it again until it completes; returns how often it stopped.
 */
async function stopAndResume(settings: TokenizeOptions): Promise<number> {
  let stops = 0;
  let summary;
  do {
    const signal = new AbortController();
    let seen = 0;
    summary = await tokenizeCorpus({
      ...settings,
      signal: signal.signal,
      onProgress: (progress) => {
        if (progress.phase === "encode" && ++seen > 4 * stops) signal.abort();
      },
    });
    if (summary.status === "interrupted") stops++;
    assert(stops < 80, "never finished");
  } while (summary.status === "interrupted");
  assert(summary.resumed);
  const again = await tokenizeCorpus(settings);
  assert(again.alreadyComplete);
  return stops;
}

Deno.test("tokenizeCorpus: stopped by the signal after a commit, the same call finishes the same store", async () => {
  const outDir = `${work}/stopped`;
  const stops = await stopAndResume({ ...options, outDir, workers: 2 });
  assert(stops >= 3, `expected several interruptions, got ${stops}`);
  assertEquals(await readStoreArrays(`${outDir}/tokens.zarr`), await referenceArrays());
});

/** The documents of the reference store. */
async function firstCorpusDocuments(): Promise<string[]> {
  const texts: string[] = [];
  for await (const text of await readDocuments([])) {
    if (texts.length === MAX_DOCS) break;
    texts.push(text);
  }
  return texts;
}

/** The documents of the reference store, written as `files` JSONL files of about equal size. */
async function corpusAsJsonl(dir: string, files: number): Promise<string[]> {
  const texts = await firstCorpusDocuments();
  await Deno.mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (let k = 0; k < files; k++) {
    const share = texts.slice(
      Math.floor((k * texts.length) / files),
      Math.floor(((k + 1) * texts.length) / files),
    );
    const path = `${dir}/part-${k}.jsonl`;
    await Deno.writeTextFile(path, share.map((text) => JSON.stringify({ text })).join("\n"));
    paths.push(path);
  }
  return paths;
}

/**
 * The documents of the reference store in the original OpenWebText layout: `openwebtext.tar.xz`
 * holding eight xz-compressed tars of 500 `.txt` documents each.
 */
async function corpusAsOpenWebText(dir: string): Promise<string> {
  const texts = await firstCorpusDocuments();
  await Deno.mkdir(`${dir}/openwebtext`, { recursive: true });
  for (let k = 0; k < 8; k++) {
    const subset = `urlsf_subset00-${k}_data`;
    const names: string[] = [];
    await Deno.mkdir(`${dir}/${subset}`);
    for (let d = 0; d < texts.length / 8; d++) {
      names.push(`${String(d).padStart(4, "0")}.txt`);
      await Deno.writeTextFile(`${dir}/${subset}/${names[d]}`, texts[(k * texts.length) / 8 + d]);
    }
    await run(`${dir}/${subset}`, "tar", "-cf", `${dir}/openwebtext/${subset}`, ...names);
    await run(`${dir}/openwebtext`, "xz", "-0", subset);
  }
  await run(dir, "tar", "--sort=name", "-cJf", "openwebtext.tar.xz", "openwebtext");
  return `${dir}/openwebtext.tar.xz`;
}

Deno.test("tokenizeCorpus: one file read by the main thread, or many read by the workers: the same store", async () => {
  const one = await corpusAsJsonl(`${work}/jsonl-one`, 1);
  const many = await corpusAsJsonl(`${work}/jsonl-many`, 8);
  const settings = { ...options, maxDocs: undefined };
  const stream = await tokenizeCorpus({
    ...settings,
    inputs: one,
    outDir: `${work}/one`,
    workers: 2,
  });
  const parts = await tokenizeCorpus({ ...settings, inputs: many, outDir: `${work}/many` });
  // Its compressed members go to the workers whole: they decompress them too.
  const archive = await corpusAsOpenWebText(`${work}/owt`);
  const nested = await tokenizeCorpus({ ...settings, inputs: [archive], outDir: `${work}/nested` });
  assertEquals([stream.reading, parts.reading, nested.reading], ["stream", "parts", "stream"]);
  for (const summary of [stream, parts, nested]) assertEquals(summary.documents, MAX_DOCS);
  for (const outDir of ["one", "many", "nested"]) {
    assertEquals(await readStoreArrays(`${work}/${outDir}/tokens.zarr`), await referenceArrays());
  }
  // --max-docs cuts a part short; one worker reads all the parts.
  const cut = await tokenizeCorpus({
    ...settings,
    inputs: many,
    maxDocs: 1234,
    outDir: `${work}/many-cut`,
    workers: 1,
  });
  assertEquals([cut.reading, cut.documents], ["parts", 1234]);
  const nestedCut = await tokenizeCorpus({
    ...settings,
    inputs: [archive],
    maxDocs: 1234,
    outDir: `${work}/nested-cut`,
  });
  assertEquals(nestedCut.documents, 1234);
  const expectedCut = await expectedCorpusSplits(many, 1234, tokenizer, 0.05);
  for (const outDir of ["many-cut", "nested-cut"]) {
    const arrays = await readStoreArrays(`${work}/${outDir}/tokens.zarr`);
    assertEquals(arrays["train/tokens"], expectedCut.train.tokens);
    assertEquals(arrays["val/doc_offsets"], expectedCut.val.offsets);
  }
});

Deno.test("tokenizeCorpus: stopped and resumed again and again, reading one file or many, the same store", async () => {
  // A large val share and small chunks: val commits often, so a resumed run skips whole parts
  // (counted, not encoded) and starts others part-way.
  const many = await corpusAsJsonl(`${work}/resume-many`, 8);
  const one = await corpusAsJsonl(`${work}/resume-one`, 1);
  const nested = [await corpusAsOpenWebText(`${work}/resume-owt`)];
  const settings = { tokenizerPath, valFraction: 0.3, chunkTokens: 2048 };
  await tokenizeCorpus({ ...settings, inputs: one, outDir: `${work}/resume-truth`, workers: 1 });
  const truth = await readStoreArrays(`${work}/resume-truth/tokens.zarr`);
  for (const [name, inputs] of Object.entries({ many, one, nested })) {
    const outDir = `${work}/resumed-${name}`;
    const stops = await stopAndResume({ ...settings, inputs, outDir, workers: 2 });
    assert(stops >= 3, `expected several interruptions, got ${stops}`);
    assertEquals(await readStoreArrays(`${outDir}/tokens.zarr`), truth);
  }
});

Deno.test("tokenizeCorpus: a resumed run stopped while it passes over what the store holds stops at once", async () => {
  const many = await corpusAsJsonl(`${work}/skip-many`, 8);
  const one = await corpusAsJsonl(`${work}/skip-one`, 1);
  for (const [name, inputs] of Object.entries({ many, one })) {
    const settings = { tokenizerPath, inputs, valFraction: 0.3, chunkTokens: 2048 };
    const outDir = `${work}/skip-${name}-out`;
    const signal = new AbortController();
    let commits = 0;
    const first = await tokenizeCorpus({
      ...settings,
      outDir,
      signal: signal.signal,
      onProgress: (progress) => progress.phase === "encode" && ++commits > 20 && signal.abort(),
    });
    assertEquals(first.status, "interrupted");
    const journal = await Deno.readTextFile(`${outDir}/tokens.zarr/zarr.json`);
    const again = await tokenizeCorpus({ ...settings, outDir, signal: AbortSignal.abort() });
    assertEquals([again.status, again.resumed], ["interrupted", true], name);
    assertEquals(await Deno.readTextFile(`${outDir}/tokens.zarr/zarr.json`), journal, name);
  }
});

Deno.test("tokenizeCorpus: a bad line in a part the workers read is reported with its file and line", async () => {
  const many = await corpusAsJsonl(`${work}/bad-many`, 8);
  const lines = (await Deno.readTextFile(many[5])).split("\n");
  lines[6] = '{"text": "cut short';
  await Deno.writeTextFile(many[5], lines.join("\n"));
  await assertRejects(
    () => tokenizeCorpus({ tokenizerPath, inputs: many, outDir: `${work}/bad`, workers: 2 }),
    UserError,
    `${many[5]}: line 7: not valid JSON`,
  );
});

Deno.test("tokenizeCorpus: trains the tokenizer when none is given, and reuses it on resume", async () => {
  const outDir = `${work}/trained`;
  const settings = { outDir, vocabSize: 300, maxDocs: 1500, chunkTokens: 4096 };
  const signal = new AbortController();
  const first = await tokenizeCorpus({
    ...settings,
    signal: signal.signal,
    onProgress: (progress) => progress.phase === "encode" && signal.abort(),
  });
  assertEquals(first.status, "interrupted");
  assert(first.trainReport?.documents === 1500, JSON.stringify(first.trainReport));
  const trained = await Deno.readTextFile(`${outDir}/tokenizer.json`);
  const second = await tokenizeCorpus(settings);
  assertEquals([second.status, second.resumed, second.trainReport], ["complete", true, undefined]);
  assertEquals(await Deno.readTextFile(`${outDir}/tokenizer.json`), trained);
  assertEquals([second.vocabSize, second.documents], [300, 1500]);
  assert(second.bytesPerToken > 1 && second.bytesPerToken < 10, `${second.bytesPerToken}`);
});

Deno.test("tokenizeCorpus: refusals name what is wrong and change nothing", async () => {
  const base = { ...options, outDir: `${work}/refusals` };
  await tokenizeCorpus(base);
  const before = await readStoreArrays(`${work}/refusals/tokens.zarr`);
  const root = await Deno.readTextFile(`${work}/refusals/tokens.zarr/zarr.json`);
  const refuse = (extra: object, message: string) =>
    assertRejects(() => tokenizeCorpus({ ...base, ...extra }), UserError, message);
  await refuse({ valFraction: 0.1 }, "--val-fraction: 0.05 before, 0.1 now");
  await refuse({ maxDocs: 10 }, "--max-docs: 4000 before, 10 now");
  await refuse({ chunkTokens: 8192 }, "--overwrite to replace it");
  await refuse({ tokenizerPath: undefined, vocabSize: 300 }, "--vocab: not given before, 300 now");
  await refuse({ vocabSize: 300 }, "--vocab and --tokenizer exclude each other");
  await refuse({ resume: true, overwrite: true }, "--resume and --overwrite exclude each other");
  await refuse({ tokenizerPath: undefined, vocabSize: 2 ** 32 + 1 }, "uint32");
  await refuse({ chunkTokens: 2 * 10_007 }, "--chunk-tokens 20014");
  await refuse({ inputs: [`${work}/missing.txt`] }, "missing.txt");
  // Another tokenizer file given for the same store.
  const other = await trainSmallTokenizer(`${work}/other.json`, 450);
  assert(other.vocabSize === 450);
  await refuse({ tokenizerPath: `${work}/other.json`, resume: true }, "with another tokenizer");
  // Refused runs left the store, its journal and its tokenizer as they were.
  const saved = await Deno.readTextFile(`${work}/refusals/tokenizer.json`);
  assertEquals(await readStoreArrays(`${work}/refusals/tokens.zarr`), before);
  assertEquals(await Deno.readTextFile(`${work}/refusals/tokens.zarr/zarr.json`), root);
  // Nothing to resume; a directory that is not ours, with or without --overwrite.
  await refuse({ outDir: `${work}/nothing`, resume: true }, "no store to resume");
  await Deno.mkdir(`${work}/foreign/tokens.zarr`, { recursive: true });
  await Deno.writeTextFile(
    `${work}/foreign/tokens.zarr/zarr.json`,
    '{"zarr_format":3,"node_type":"group"}',
  );
  await refuse(
    { outDir: `${work}/foreign`, overwrite: true },
    "is not a token store written by this toolkit",
  );
  await Deno.mkdir(`${work}/busy`);
  await Deno.writeTextFile(`${work}/busy/notes.txt`, "mine");
  await refuse(
    { outDir: `${work}/busy`, overwrite: true },
    "is not empty and holds no token store (found notes.txt)",
  );
  assertEquals(await Deno.readTextFile(`${work}/busy/notes.txt`), "mine");
  await Deno.writeTextFile(`${work}/plain-file`, "x");
  await refuse({ outDir: `${work}/plain-file` }, "is not a directory");
  // --overwrite replaces our own store.
  await tokenizeCorpus({ ...base, valFraction: 0.1, overwrite: true });
  const replaced = await openStore(`${work}/refusals`);
  assertEquals((replaced.attributes as { val_fraction: number }).val_fraction, 0.1);
  assertEquals(await Deno.readTextFile(`${work}/refusals/tokenizer.json`), saved);
});

Deno.test("tokenizeCorpus: a tokenizer.json changed behind the store's back is refused on resume", async () => {
  const outDir = `${work}/edited`;
  const signal = AbortSignal.abort();
  const first = await tokenizeCorpus({ ...options, outDir, signal });
  assertEquals(first.status, "interrupted");
  await Deno.writeTextFile(
    `${outDir}/tokenizer.json`,
    (await Deno.readTextFile(`${outDir}/tokenizer.json`)) + " ",
  );
  await assertRejects(
    () => tokenizeCorpus({ ...options, outDir }),
    UserError,
    "is not the tokenizer the store was written with",
  );
});

Deno.test("tokenizeCorpus: --tokenizer may be the tokenizer.json already in --out", async () => {
  const outDir = `${work}/own-tokenizer`;
  await Deno.mkdir(outDir);
  await Deno.copyFile(tokenizerPath, `${outDir}/tokenizer.json`);
  for (const overwrite of [false, true]) {
    const summary = await tokenizeCorpus({
      ...options,
      maxDocs: 300,
      outDir,
      overwrite,
      tokenizerPath: `${outDir}/tokenizer.json`,
    });
    assertEquals(summary.status, "complete");
    assertEquals(
      await Deno.readTextFile(`${outDir}/tokenizer.json`),
      await Deno.readTextFile(tokenizerPath),
    );
  }
});

Deno.test({
  name: "tokenizeCorpus: clean up",
  fn: () => Deno.remove(work, { recursive: true }),
});

/**
 * Shared fixtures of the shard tests: seeded synthetic documents (token arrays made here, no
 * tokenizer needed), a store written from them with `StoreWriter`, and the ground truth a reader
 * must return.
 */
import * as zarr from "zarrita";
import FileSystemStore from "@zarrita/storage/fs";
import { readDocuments, type Tokenizer, trainBpe } from "../pipeline/mod.ts";
import { StoreWriter } from "../pipeline/store/_store_writer.ts";
import { Random } from "../model/gpt/random.ts";
import { innerChunkTokens } from "../pipeline/store/_layout.ts";
import { hashDocument, type Split, splitOf } from "../pipeline/store/split_hash.ts";
import type { RunArguments } from "../pipeline/store/store_attributes.ts";

/** A document: its text (decides the split) and its token ids. */
export interface SyntheticDocument {
  text: string;
  tokens: Uint32Array;
}

/** A seeded generator of numbers in [0, 1) (the model's xoshiro128**), so failures reproduce. */
export function seededRandom(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}

/**
 * `count` documents with ids below `vocabSize - 1` (the last id is the end-of-text id): mostly
 * short, some empty, a few long enough to span several chunks of `longTokens`.
 */
export function syntheticDocuments(
  count: number,
  seed: number,
  vocabSize = 1000,
  longTokens = 3000,
): SyntheticDocument[] {
  const random = seededRandom(seed);
  const documents: SyntheticDocument[] = [];
  for (let i = 0; i < count; i++) {
    const roll = random();
    const length = roll < 0.05
      ? 0
      : roll < 0.08
      ? longTokens + Math.floor(random() * longTokens)
      : Math.floor(random() * 60);
    const tokens = new Uint32Array(length);
    for (let j = 0; j < length; j++) tokens[j] = Math.floor(random() * (vocabSize - 1));
    documents.push({ text: `document ${i} ${tokens.slice(0, 4).join(" ")}`, tokens });
  }
  return documents;
}

/** The tokens and document offsets each split must hold, with `eotId` after every document. */
export function expectedSplits(
  documents: SyntheticDocument[],
  eotId: number,
  valFraction: number,
): Record<Split, { tokens: number[]; offsets: number[]; bytes: number }> {
  const expected = {
    train: { tokens: [] as number[], offsets: [] as number[], bytes: 0 },
    val: { tokens: [] as number[], offsets: [] as number[], bytes: 0 },
  };
  for (const document of documents) {
    const { hash, utf8Bytes } = hashDocument(document.text);
    const split = expected[splitOf(hash, valFraction)];
    split.offsets.push(split.tokens.length);
    for (const token of document.tokens) split.tokens.push(token);
    split.tokens.push(eotId);
    split.bytes += utf8Bytes;
  }
  return expected;
}

/** Options of a synthetic store. */
export interface SyntheticStoreOptions {
  chunkTokens: number;
  vocabSize?: number;
  valFraction?: number;
  /** Called after every journal commit with the number of documents added so far. */
  onCommit?: (documentsAdded: number) => Promise<void> | void;
  /** Stop (as a crash would) after this many commits, leaving the store incomplete. */
  stopAfterCommits?: number;
}

/** The run arguments recorded by a synthetic store. */
export function syntheticRun(chunkTokens: number, valFraction: number): RunArguments {
  return {
    inputs_sha256: "synthetic",
    split_lines: false,
    vocab: null,
    tokenizer_file_sha256: null,
    min_frequency: null,
    max_words: null,
    val_fraction: valFraction,
    chunk_tokens: chunkTokens,
    max_docs: null,
  };
}

/**
 * Writes `documents` to a new store at `path`, or continues the incomplete store there (skipping,
 * as tokenize does, the documents its journal says are on disk). Returns the writer.
 */
export async function writeSyntheticStore(
  path: string,
  documents: SyntheticDocument[],
  options: SyntheticStoreOptions,
): Promise<StoreWriter> {
  const vocabSize = options.vocabSize ?? 1000;
  const valFraction = options.valFraction ?? 0.1;
  let writer: StoreWriter;
  try {
    await Deno.stat(`${path}/zarr.json`);
    writer = await StoreWriter.open(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    writer = await StoreWriter.create(path, {
      run: syntheticRun(options.chunkTokens, valFraction),
      inputs: [{ path: "synthetic", bytes: 0, mtime: null }],
      chunkTokens: options.chunkTokens,
      innerChunkTokens: innerChunkTokens(options.chunkTokens),
      valFraction,
    });
    await writer.setTokenizer({ sha256: "0".repeat(64), vocabSize, eotId: vocabSize - 1 });
  }
  let commits = 0;
  try {
    const neededFrom = writer.neededFrom();
    for (let i = Math.min(neededFrom.train, neededFrom.val); i < documents.length; i++) {
      const { hash, utf8Bytes } = hashDocument(documents[i].text);
      const split = splitOf(hash, valFraction);
      if (i < neededFrom[split]) continue;
      if (writer.add(split, documents[i].tokens, i, utf8Bytes)) {
        commits++;
        await writer.drain(); // what a crash right now would leave on disk
        await options.onCommit?.(i + 1);
        if (commits === options.stopAfterCommits) return writer;
      }
    }
    await writer.finish(0);
    return writer;
  } finally {
    writer.close();
  }
}

/** Every token of a split, read back through the reader's `iterate`. */
export async function readAllTokens(
  store: {
    tokens(split: Split): number;
    iterate(split: Split, context: number): AsyncIterable<Int32Array>;
  },
  split: Split,
): Promise<number[]> {
  const count = store.tokens(split);
  if (count < 2) throw new Error(`split ${split} too small to read in one window`);
  for await (const window of store.iterate(split, count - 1)) return Array.from(window);
  return [];
}

/** Copies a directory tree (a crash snapshot of a store). */
export async function copyTree(from: string, to: string): Promise<void> {
  await Deno.mkdir(to, { recursive: true });
  for await (const entry of Deno.readDir(from)) {
    const source = `${from}/${entry.name}`;
    const target = `${to}/${entry.name}`;
    if (entry.isDirectory) await copyTree(source, target);
    else await Deno.copyFile(source, target);
  }
}

/**
 * Makes a directory refuse new files, even for root (who ignores mode bits): mode 0555 for a
 * normal user, the immutable attribute (`chattr +i`) for root. Returns the undo function, or null
 * (after saying so) where neither works: root on a file system without `chattr +i`.
 */
export async function makeReadOnly(directory: string): Promise<(() => Promise<void>) | null> {
  if (Deno.uid() !== 0) {
    await Deno.chmod(directory, 0o555);
    return () => Deno.chmod(directory, 0o755);
  }
  const chattr = (flag: string) =>
    new Deno.Command("chattr", { args: [flag, directory], stderr: "null" }).output()
      .then((output) => output.success, () => false);
  if (!await chattr("+i")) {
    console.log(`skipped: root cannot make ${directory} read-only here (no chattr +i)`);
    return null;
  }
  return async () => {
    await chattr("-i");
  };
}

/** A small tokenizer trained on the default corpus's first documents, saved as `path`. */
export async function trainSmallTokenizer(path: string, vocabSize = 400): Promise<Tokenizer> {
  const source = await readDocuments([]);
  async function* first(count: number) {
    for await (const document of source) {
      if (count-- <= 0) return;
      yield document;
    }
  }
  const tokenizer = await trainBpe(first(3000), { vocabSize });
  await Deno.writeTextFile(path, tokenizer.toJson());
  return tokenizer;
}

/**
 * What a store of the first `maxDocs` documents of `inputs` must hold, computed the slow way: each
 * document encoded here, one at a time, followed by the end-of-text id, in the split of its hash.
 */
export async function expectedCorpusSplits(
  inputs: string[],
  maxDocs: number,
  tokenizer: Tokenizer,
  valFraction: number,
): Promise<Record<Split, { tokens: number[]; offsets: number[]; bytes: number }>> {
  const documents: SyntheticDocument[] = [];
  for await (const text of await readDocuments(inputs)) {
    if (documents.length === maxDocs) break;
    documents.push({ text, tokens: tokenizer.encodeOrdinary(text) });
  }
  return expectedSplits(documents, tokenizer.eotId, valFraction);
}

/** The tokens and doc offsets of both splits of a store, read by zarrita (not our reader). */
export async function readStoreArrays(storePath: string): Promise<Record<string, number[]>> {
  const store = new FileSystemStore(storePath);
  const arrays: Record<string, number[]> = {};
  for (const split of ["train", "val"]) {
    for (const name of ["tokens", "doc_offsets"]) {
      const array = await zarr.open(zarr.root(store).resolve(`${split}/${name}`), {
        kind: "array",
      });
      const { data } = await zarr.get(array);
      arrays[`${split}/${name}`] = Array.from(data as ArrayLike<number | bigint>, Number);
    }
  }
  return arrays;
}

/**
 * The arrays of the uninterrupted store every interrupted run is compared with, written once by
 * `write` (a tokenizeCorpus call into `<outDir>`) on first use.
 */
export function referenceStore(
  write: () => Promise<{ storePath: string }>,
): () => Promise<Record<string, number[]>> {
  let arrays: Promise<Record<string, number[]>> | undefined;
  return () => arrays ??= write().then((summary) => readStoreArrays(summary.storePath));
}

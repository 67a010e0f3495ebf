/**
 * `tokenizeCorpus`, the entry of `deno task tokenize`. The path from documents in to a chunk on
 * disk, in order (file → function, and the thread it runs on):
 *
 * 1. `tokenize_corpus.ts` → `tokenizeCorpus`: checks the options once (`checkOptions`), opens the
 *    input (`../sources/` → `readDocuments`; with `shard`, only its share of the parts:
 *    `../sources/_shard_plan.ts`) and starts the encoder Workers. Main thread.
 * 2. `_output_directory.ts` → `prepareOutput`: a new store (`_store_writer.ts` →
 *    `StoreWriter.create`) or one to continue; whether and from where a store continues is all in
 *    `_resume.ts`. Main thread.
 * 3. `tokenize_corpus.ts` → `tokenizerFor`: the recorded, given or trained (`../bpe/` →
 *    `trainBpe`) tokenizer.json, written beside the store. Main thread.
 * 4. `_encode_pass.ts` → `encodePass`: makes the tasks (this thread reads the stream, or the
 *    Workers read the parts) and takes the batches back in input order. Main thread.
 * 5. `_corpus_encoder.ts` → `CorpusEncoder.run` hands each task to a Worker running
 *    `_corpus_encoder_worker.ts`: reads, hashes each document to its split (`split_hash.ts`) and
 *    encodes it (`../bpe/` → `Tokenizer`). Encoder Workers.
 * 6. `_encode_pass.ts` → `append` → `_store_writer.ts` → `StoreWriter.add` →
 *    `_split_buffer.ts` → `SplitBuffer.add`: the tokens fill the split's chunks. Main thread.
 * 7. A complete chunk: `_chunk_writer.ts` → `ChunkWriter.write` sends it to a Worker running
 *    `_chunk_writer_worker.ts`, which encodes it (`_codecs/`: sharding, bytes, zstd, crc32c) and
 *    writes it atomically (`_storage.ts` → `StoreStorage.set`). Chunk-writer Workers.
 * 8. `_chunk_writer.ts` → `#commitDue`: once the chunk is on disk, flushes it
 *    (`StoreStorage.flush`) and commits the journal, the root `zarr.json` pointing past it
 *    (`_metadata.ts` → `writeGroupMetadata`). Main thread.
 * 9. `_store_writer.ts` → `StoreWriter.finish`: the partial last chunks, the arrays' lengths, and
 *    the store marked complete. Main thread.
 *
 * @module
 */
import { join } from "node:path";
import { type Tokenizer, trainBpe, type TrainReport } from "../bpe/mod.ts";
import { type DocumentSource, readDocuments, type Shard } from "../sources/mod.ts";
import { checkShard } from "../sources/shard.ts";
import { UserError } from "../../core/user_error.ts";
import { writeFileAtomic } from "../../core/atomic_file.ts";
import { lockFolder } from "../../core/writer_lock.ts";
import { sha256Hex } from "../../core/sha256.ts";
import { prepareOutput } from "./_output_directory.ts";
import type { Split } from "./split_hash.ts";
import { CorpusEncoder } from "./_corpus_encoder.ts";
import { encodePass } from "./_encode_pass.ts";
import { readRecordedTokenizer } from "./_resume.ts";
import type { RunArguments, SplitTotals, StoreAttributes } from "./store_attributes.ts";
import {
  dtypeForVocab,
  innerChunkTokens,
  MAX_INNER_CHUNK_TOKENS,
  STORE_NAME,
  TOKENIZER_NAME,
} from "./_layout.ts";
import { StoreWriter } from "./_store_writer.ts";
import { readTokenizerFile, type TokenizerFile, tokenizerFileOf } from "./_tokenizer_file.ts";

/** The vocabulary trained when `--vocab` is not given: the study's for OpenWebText-scale corpora. */
export const DEFAULT_VOCAB = 8000;

/**
 * The vocabulary trained for the embedded default corpus (4.4M tokens at this size): small enough that
 * an IsoFLOP sweep can straddle its compute optimum. At 8000, 91% of the smallest micro_gpt is
 * embedding and even it (561,600 parameters) is above the optimum for the store's 2.3M tokens, so no
 * grid there can be centred below budgets of 4e13 FLOPs; Tao et al. (2024) put the vocabulary for
 * these bodies at 384–704 (docs/sizing.md, "The default corpus").
 */
export const DEFAULT_CORPUS_VOCAB = 512;

/** Settings of `tokenizeCorpus` (the flags of `deno task tokenize`). */
export interface TokenizeOptions {
  /** Files, directories or globs; empty or absent: the embedded default corpus. */
  inputs?: string[];
  /** One document per line of plain-text files. */
  splitLines?: boolean;
  /** Vocabulary to train (default `DEFAULT_VOCAB`, or `DEFAULT_CORPUS_VOCAB` for the embedded corpus);
   * excludes `tokenizerPath`. */
  vocabSize?: number;
  /** An existing tokenizer.json to use instead of training one (copied into `outDir`). */
  tokenizerPath?: string;
  /** Least count of a pair to merge when training (the trainer's default when absent). */
  minFrequency?: number;
  /** Distinct words kept while counting (the trainer's default when absent). */
  maxWords?: number;
  /** Directory of tokenizer.json and tokens.zarr. */
  outDir: string;
  /** Share of documents (by content hash) in the val split (default 0.005). */
  valFraction?: number;
  /** Encoder Workers (default: the number of cores). */
  workers?: number;
  /** Tokens per shard file (default 1,048,576). */
  chunkTokens?: number;
  /** Read only the first N documents of the input (of the share, when sharded). */
  maxDocs?: number;
  /**
   * Tokenize only share `index` of `count` of the input's parts (`--shard I/N`; the rule is in
   * `../sources/_shard_plan.ts`); needs `tokenizerPath`.
   */
  shard?: Shard;
  /** Replace an existing store of ours (and its tokenizer.json). */
  overwrite?: boolean;
  /** Insist on continuing an existing store. */
  resume?: boolean;
  /** Stop after the chunk in hand is written (Ctrl-C): the store stays resumable. */
  signal?: AbortSignal;
  /** Called as training and encoding advance (after every journal commit while encoding). */
  onProgress?: (progress: TokenizeProgress) => void;
}

/** Where a run stands, for a progress bar. */
export interface TokenizeProgress {
  /** "train": counting words for the tokenizer; "encode": writing tokens. */
  phase: "train" | "encode";
  /** Documents read in this pass (skipped ones of a resumed run included). */
  documents: number;
  /** Input bytes consumed in this pass and in all (for the ETA). */
  inputBytes: number;
  /** Size of all the input. */
  totalBytes: number;
  /** Tokens appended so far (both splits; the last chunks are written as they fill). */
  tokens: number;
}

/** The outcome of `tokenizeCorpus`. */
export interface TokenizeSummary {
  /** "complete": the store is finished; "interrupted": stopped by the signal, resumable. */
  status: "complete" | "interrupted";
  /** True when the store was complete before this run (nothing was done). */
  alreadyComplete: boolean;
  /** True when this run continued a store an earlier run had started. */
  resumed: boolean;
  /** `outDir/tokens.zarr`. */
  storePath: string;
  /** `outDir/tokenizer.json`. */
  tokenizerPath: string;
  /** sha256 of the tokenizer.json the store is written with. */
  tokenizerSha256: string | null;
  /** The share of the input's parts the store holds (`--shard`), null when not sharded. */
  shard: Shard | null;
  /** Set when this run trained the tokenizer. */
  trainReport?: TrainReport;
  /** Ids of the tokenizer. */
  vocabSize: number | null;
  /** Element type of the token arrays. */
  dtype: string | null;
  /** Documents in the store (both splits). */
  documents: number;
  /** Tokens, documents and text bytes per split. */
  splits: Record<Split, SplitTotals>;
  /** UTF-8 bytes of text per token (EOT tokens included), both splits. */
  bytesPerToken: number;
  /** U+FFFD substitutions made for invalid UTF-8 in the input. */
  invalidUtf8: number;
  /** Seconds this run took. */
  seconds: number;
  /**
   * How the encoding pass read the input: "parts" when the Workers read its files themselves
   * (many files of similar size, such as the default corpus), "stream" when this thread read it
   * and the Workers only encoded; absent when there was nothing to encode.
   */
  reading?: "parts" | "stream";
}

/** Thrown through the tokenizer trainer when the signal fires: training cannot stop halfway. */
class Interrupted extends Error {}

/**
 * Tokenizes a corpus into `outDir/tokens.zarr` (see README, "The token store"): resolves the
 * inputs, trains the tokenizer (or loads `tokenizerPath`) and saves `outDir/tokenizer.json`,
 * encodes every document on `workers` Workers, and writes the tokens, an `<|endoftext|>` after each
 * document, into the split its content hash picks. A run over a store left incomplete (crash,
 * Ctrl-C, kill) with the same options continues it; the result is identical to an uninterrupted
 * run's. Refusals (bad option, foreign `outDir`, store written with other options, tokenizer that
 * does not match) are `UserError`s, raised before anything is written.
 */
export async function tokenizeCorpus(options: TokenizeOptions): Promise<TokenizeSummary> {
  const started = performance.now();
  const settings = checkOptions(options);
  const source = await readDocuments(settings.inputs, {
    splitLines: settings.splitLines,
    shard: settings.shard,
  });
  const given = settings.tokenizerPath ? await readTokenizerFile(settings.tokenizerPath) : null;
  // The Workers load a given tokenizer while the store is prepared.
  let encoder = given ? startEncoder(given, settings, source) : null;
  try {
    const run = await runArguments(settings, source, given);
    const storePath = join(settings.outDir, STORE_NAME);
    const tokenizerPath = join(settings.outDir, TOKENIZER_NAME);
    // One writer per --out (core/writer_lock.ts), taken before the first write, held to the end.
    using _writerLock = await lockFolder(settings.outDir, { create: !settings.resume });
    const existing = await prepareOutput(settings.outDir, run, settings);
    const writer = existing ?? await StoreWriter.create(storePath, {
      run,
      inputs: source.inputs,
      chunkTokens: settings.chunkTokens,
      innerChunkTokens: innerChunkTokens(settings.chunkTokens),
      valFraction: settings.valFraction,
    });
    const summary = (status: TokenizeSummary["status"], extra: Partial<TokenizeSummary> = {}) =>
      summarize(writer.attributes, {
        status,
        alreadyComplete: false,
        resumed: existing !== null,
        storePath,
        tokenizerPath,
        seconds: (performance.now() - started) / 1000,
        invalidUtf8: writer.attributes.complete
          ? writer.attributes.invalid_utf8
          : source.stats.invalidUtf8,
        ...extra,
      });
    if (writer.attributes.complete) return summary("complete", { alreadyComplete: true });
    try {
      const chosen = await tokenizerFor(writer, tokenizerPath, given, source, settings);
      if (chosen === "interrupted") return summary("interrupted");
      const { tokenizer, trainReport } = chosen;
      encoder ??= startEncoder(tokenizer, settings, source);
      const pass = await encodePass(source, writer, encoder, {
        maxDocs: settings.maxDocs,
        signal: settings.signal,
        onProgress: ({ documents, inputBytes }) => {
          const splits = writer.totals();
          settings.onProgress?.({
            phase: "encode",
            documents,
            inputBytes,
            totalBytes: source.totalBytes,
            tokens: splits.train.tokens + splits.val.tokens,
          });
        },
      });
      if (!pass.finished) return summary("interrupted", { trainReport, reading: pass.reading });
      if (pass.documents === 0) throw new UserError("the input holds no documents");
      await writer.finish(pass.invalidUtf8);
      return summary("complete", {
        trainReport,
        reading: pass.reading,
        invalidUtf8: pass.invalidUtf8,
      });
    } finally {
      writer.close(); // stops the chunk-writing Worker (finish() has drained it)
    }
  } finally {
    encoder?.close();
  }
}

/** The arguments that decide the store's content (a resume must give the same). */
async function runArguments(
  settings: Settings,
  source: DocumentSource,
  given: TokenizerFile | null,
): Promise<RunArguments> {
  return {
    inputs_sha256: await sha256Hex(new TextEncoder().encode(JSON.stringify(source.inputs))),
    split_lines: settings.splitLines,
    vocab: given ? null : settings.vocabSize,
    tokenizer_file_sha256: given?.sha256 ?? null,
    min_frequency: settings.minFrequency ?? null,
    max_words: settings.maxWords ?? null,
    val_fraction: settings.valFraction,
    chunk_tokens: settings.chunkTokens,
    max_docs: Number.isFinite(settings.maxDocs) ? settings.maxDocs : null,
    ...settings.shard
      ? { shard: { index: settings.shard.index, count: settings.shard.count } }
      : {},
  };
}

/**
 * The tokenizer the store is written with, saved as `tokenizerPath` and recorded in the store:
 * the one a resumed store recorded, else the given one, else one trained on the input (its
 * report returned; "interrupted" when the signal stopped the training).
 */
async function tokenizerFor(
  writer: StoreWriter,
  tokenizerPath: string,
  given: TokenizerFile | null,
  source: DocumentSource,
  settings: Settings,
): Promise<{ tokenizer: TokenizerFile; trainReport?: TrainReport } | "interrupted"> {
  if (writer.attributes.tokenizer_sha256) {
    return { tokenizer: await readRecordedTokenizer(tokenizerPath, writer.attributes) };
  }
  let tokenizer: TokenizerFile;
  let trainReport: TrainReport | undefined;
  if (given) {
    tokenizer = given;
    // Written from memory even when it is the same file: --overwrite may have removed it.
    await writeFileAtomic(tokenizerPath, given.bytes);
  } else {
    let trained: Tokenizer;
    try {
      trained = await trainBpe(firstDocuments(source, settings.maxDocs, settings.signal), {
        vocabSize: settings.vocabSize,
        minFrequency: settings.minFrequency,
        maxWords: settings.maxWords,
        onProgress: (progress) =>
          settings.onProgress?.({
            phase: "train",
            documents: progress.documents,
            inputBytes: source.stats.inputBytes,
            totalBytes: source.totalBytes,
            tokens: 0,
          }),
      });
    } catch (error) {
      if (error instanceof Interrupted) return "interrupted";
      throw error;
    }
    trainReport = trained.trainReport;
    tokenizer = await tokenizerFileOf(new TextEncoder().encode(trained.toJson()), trained);
    await writeFileAtomic(tokenizerPath, tokenizer.bytes);
  }
  await writer.setTokenizer({
    sha256: tokenizer.sha256,
    vocabSize: tokenizer.vocabSize,
    eotId: tokenizer.eotId,
  });
  return { tokenizer, trainReport };
}

/** The encoding Workers of a run (see `encodePass`). */
function startEncoder(
  tokenizer: TokenizerFile,
  settings: Settings,
  source: DocumentSource,
): CorpusEncoder {
  return new CorpusEncoder(settings.workers, {
    tokenizerJson: tokenizer.text,
    valFraction: settings.valFraction,
    splitLines: source.splitLines,
    dtype: dtypeForVocab(tokenizer.vocabSize),
  });
}

/** The options, checked, with their defaults: read once, the only form used after `checkOptions`. */
interface Settings {
  inputs: string[];
  splitLines: boolean;
  vocabSize: number;
  tokenizerPath?: string;
  minFrequency?: number;
  maxWords?: number;
  outDir: string;
  valFraction: number;
  workers: number;
  chunkTokens: number;
  /** Infinity when not given. */
  maxDocs: number;
  overwrite: boolean;
  resume: boolean;
  shard?: Shard;
  signal?: AbortSignal;
  onProgress?: (progress: TokenizeProgress) => void;
}

function checkOptions(options: TokenizeOptions): Settings {
  if (options.tokenizerPath !== undefined && options.vocabSize !== undefined) {
    throw new UserError(
      "--vocab and --tokenizer exclude each other: a given tokenizer has its vocabulary",
    );
  }
  if (options.resume && options.overwrite) {
    throw new UserError(
      "--resume and --overwrite exclude each other: continue a store or replace it",
    );
  }
  if (options.shard) {
    checkShard(options.shard);
    if (options.tokenizerPath === undefined) {
      const { index, count } = options.shard;
      throw new UserError(
        `--shard ${index}/${count} needs --tokenizer FILE, so that every shard has the same ids: make one first with \`deno task tokenize --max-docs N --out DIR\` on a sample, then pass DIR/tokenizer.json`,
      );
    }
  }
  const vocabSize = options.vocabSize ??
    (options.inputs?.length ? DEFAULT_VOCAB : DEFAULT_CORPUS_VOCAB);
  if (!Number.isInteger(vocabSize) || vocabSize > 2 ** 32) {
    throw new UserError(`--vocab ${vocabSize}: ids must fit in uint32 (at most 2^32 = 4294967296)`);
  }
  const valFraction = options.valFraction ?? 0.005;
  if (!(valFraction >= 0 && valFraction < 1)) {
    throw new UserError(`--val-fraction ${valFraction} must be in [0, 1)`);
  }
  const workers = options.workers ?? navigator.hardwareConcurrency;
  if (!Number.isInteger(workers) || workers < 1) {
    throw new UserError(`--workers ${workers} must be a whole number >= 1`);
  }
  const chunkTokens = options.chunkTokens ?? 1_048_576;
  if (!Number.isInteger(chunkTokens) || chunkTokens < 1 || innerChunkTokens(chunkTokens) === 0) {
    throw new UserError(
      `--chunk-tokens ${chunkTokens}: must be a whole number up to ${MAX_INNER_CHUNK_TOKENS}, or a multiple of a number in [1024, ${MAX_INNER_CHUNK_TOKENS}] (e.g. of 8192)`,
    );
  }
  const maxDocs = options.maxDocs ?? Infinity;
  if (!(maxDocs >= 1)) throw new UserError(`--max-docs ${maxDocs} must be at least 1`);
  return {
    inputs: options.inputs ?? [],
    splitLines: options.splitLines ?? false,
    vocabSize,
    tokenizerPath: options.tokenizerPath,
    minFrequency: options.minFrequency,
    maxWords: options.maxWords,
    outDir: options.outDir,
    valFraction,
    workers,
    chunkTokens,
    maxDocs,
    overwrite: options.overwrite ?? false,
    resume: options.resume ?? false,
    shard: options.shard,
    signal: options.signal,
    onProgress: options.onProgress,
  };
}

async function* firstDocuments(
  source: DocumentSource,
  maxDocs: number,
  signal?: AbortSignal,
): AsyncGenerator<string> {
  let count = 0;
  for await (const document of source) {
    if (count++ >= maxDocs) return;
    if (signal?.aborted) throw new Interrupted();
    yield document;
  }
}

function summarize(
  attributes: StoreAttributes,
  run: Pick<
    TokenizeSummary,
    | "status"
    | "alreadyComplete"
    | "resumed"
    | "storePath"
    | "tokenizerPath"
    | "seconds"
    | "invalidUtf8"
    | "trainReport"
    | "reading"
  >,
): TokenizeSummary {
  const { train, val } = attributes.splits;
  const tokens = train.tokens + val.tokens;
  return {
    ...run,
    tokenizerSha256: attributes.tokenizer_sha256,
    vocabSize: attributes.vocab_size,
    dtype: attributes.dtype,
    shard: attributes.run.shard ?? null,
    documents: train.documents + val.documents,
    splits: attributes.splits,
    bytesPerToken: tokens ? (train.bytes + val.bytes) / tokens : 0,
  };
}

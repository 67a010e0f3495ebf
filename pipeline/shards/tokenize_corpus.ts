import { join } from "node:path";
import { Tokenizer, trainBpe, type TrainReport } from "../bpe/mod.ts";
import { readDocuments } from "../sources/mod.ts";
import type { DocumentSource } from "../sources/types.ts";
import { UserError } from "../../core/user_error.ts";
import { writeFileAtomic } from "../../core/atomic_file.ts";
import { lockFolder } from "../../core/writer_lock.ts";
import { innerChunkTokens, MAX_INNER_CHUNK_TOKENS } from "./chunk_codec.ts";
import { prepareOutput } from "./output_directory.ts";
import type { Split } from "./split_hash.ts";
import { CorpusEncoder } from "./corpus_encoder.ts";
import { encodePass } from "./encode_pass.ts";
import type { RunArguments, SplitTotals, StoreAttributes } from "./store_attributes.ts";
import { dtypeForVocab, STORE_NAME, TOKENIZER_NAME } from "./store_layout.ts";
import { StoreWriter } from "./store_writer.ts";

/** Settings of `tokenizeCorpus` (the flags of `deno task tokenize`). */
export interface TokenizeOptions {
  /** Files, directories or globs; empty or absent: the embedded default corpus. */
  inputs?: string[];
  /** One document per line of plain-text files. */
  splitLines?: boolean;
  /** Vocabulary to train (default 8000); excludes `tokenizerPath`. */
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
  /** Read only the first N documents of the input. */
  maxDocs?: number;
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
  const source = await readDocuments(settings.inputs, { splitLines: settings.splitLines });
  const tokenizerFile = settings.tokenizerPath
    ? await readTokenizerFile(settings.tokenizerPath)
    : null;
  // The Workers load the tokenizer while the store is prepared.
  let encoder = tokenizerFile ? startEncoder(tokenizerFile, settings, source) : null;
  try {
    const run: RunArguments = {
      inputs_sha256: await sha256(new TextEncoder().encode(JSON.stringify(source.inputs))),
      split_lines: settings.splitLines,
      vocab: tokenizerFile ? null : settings.vocabSize,
      tokenizer_file_sha256: tokenizerFile?.sha256 ?? null,
      min_frequency: options.minFrequency ?? null,
      max_words: options.maxWords ?? null,
      val_fraction: settings.valFraction,
      chunk_tokens: settings.chunkTokens,
      max_docs: options.maxDocs ?? null,
    };
    const storePath = join(options.outDir, STORE_NAME);
    const tokenizerPath = join(options.outDir, TOKENIZER_NAME);
    // One writer per --out (core/writer_lock.ts), taken before the first write, held to the end.
    using _writerLock = await lockFolder(options.outDir, { create: !options.resume });
    const existing = await prepareOutput(options.outDir, run, {
      overwrite: options.overwrite ?? false,
      resume: options.resume ?? false,
      tokenizerPath: settings.tokenizerPath,
    });
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
      let tokenizer: TokenizerFile;
      let trainReport: TrainReport | undefined;
      const recorded = writer.attributes.tokenizer_sha256;
      if (recorded) {
        tokenizer = await readRecordedTokenizer(tokenizerPath, writer.attributes);
      } else if (tokenizerFile) {
        tokenizer = tokenizerFile;
        // Written from memory even when it is the same file: --overwrite may have removed it.
        await writeFileAtomic(tokenizerPath, tokenizerFile.bytes);
      } else {
        let trained: Tokenizer;
        try {
          trained = await trainBpe(firstDocuments(source, settings.maxDocs, options.signal), {
            vocabSize: settings.vocabSize,
            minFrequency: options.minFrequency,
            maxWords: options.maxWords,
            onProgress: (progress) =>
              options.onProgress?.({
                phase: "train",
                documents: progress.documents,
                inputBytes: source.stats.inputBytes,
                totalBytes: source.totalBytes,
                tokens: 0,
              }),
          });
        } catch (error) {
          if (error instanceof Interrupted) return summary("interrupted");
          throw error;
        }
        trainReport = trained.trainReport;
        tokenizer = await tokenizerFileOf(new TextEncoder().encode(trained.toJson()), trained);
        await writeFileAtomic(tokenizerPath, tokenizer.bytes);
      }
      encoder ??= startEncoder(tokenizer, settings, source);
      if (!recorded) {
        await writer.setTokenizer({
          sha256: tokenizer.sha256,
          vocabSize: tokenizer.vocabSize,
          eotId: tokenizer.eotId,
        });
      }
      const pass = await encodePass(source, writer, encoder, {
        maxDocs: settings.maxDocs,
        signal: options.signal,
        onProgress: ({ documents, inputBytes }) => {
          const splits = writer.totals();
          options.onProgress?.({
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

interface Settings {
  inputs: string[];
  splitLines: boolean;
  vocabSize: number;
  tokenizerPath?: string;
  valFraction: number;
  workers: number;
  chunkTokens: number;
  maxDocs: number;
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
  const vocabSize = options.vocabSize ?? 8000;
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
    valFraction,
    workers,
    chunkTokens,
    maxDocs,
  };
}

/** A tokenizer.json as the store needs it: its bytes, text, sha256 and what it defines. */
interface TokenizerFile {
  bytes: Uint8Array<ArrayBuffer>;
  text: string;
  sha256: string;
  vocabSize: number;
  eotId: number;
}

async function tokenizerFileOf(
  bytes: Uint8Array<ArrayBuffer>,
  tokenizer: Tokenizer,
): Promise<TokenizerFile> {
  return {
    bytes,
    text: new TextDecoder().decode(bytes),
    sha256: await sha256(bytes),
    vocabSize: tokenizer.vocabSize,
    eotId: tokenizer.eotId,
  };
}

/** A `--tokenizer` file, parsed (once) to check it is a tokenizer whose ids fit in uint32. */
async function readTokenizerFile(path: string): Promise<TokenizerFile> {
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    const why = error instanceof Deno.errors.NotFound ? "no such file" : (error as Error).message;
    throw new UserError(`${path}: cannot read the tokenizer (${why})`);
  }
  const tokenizer = Tokenizer.fromJson(new TextDecoder().decode(bytes), path);
  if (tokenizer.vocabSize > 2 ** 32) {
    throw new UserError(`${path}: ${tokenizer.vocabSize} ids do not fit in uint32`);
  }
  return await tokenizerFileOf(bytes, tokenizer);
}

/**
 * The tokenizer.json a store was started with, not parsed again (what it defines is in the
 * store's attributes); a `UserError` if it is missing or changed.
 */
async function readRecordedTokenizer(
  path: string,
  attributes: StoreAttributes,
): Promise<TokenizerFile> {
  const recorded = attributes.tokenizer_sha256!;
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = await Deno.readFile(path);
  } catch {
    throw new UserError(
      `${path} is missing: the store beside it cannot be continued (use --overwrite)`,
    );
  }
  const actual = await sha256(bytes);
  if (actual !== recorded) {
    throw new UserError(
      `${path} (sha256 ${
        actual.slice(0, 12)
      }...) is not the tokenizer the store was written with (sha256 ${
        recorded.slice(0, 12)
      }...): use --overwrite to start over`,
    );
  }
  // The same bytes parsed when the store was started: what they define is recorded beside them.
  return {
    bytes,
    text: new TextDecoder().decode(bytes),
    sha256: actual,
    vocabSize: attributes.vocab_size!,
    eotId: attributes.eot_id!,
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
    documents: train.documents + val.documents,
    splits: attributes.splits,
    bytesPerToken: tokens ? (train.bytes + val.bytes) / tokens : 0,
  };
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

import type { Split } from "./split_hash.ts";

/** The element types of the store's `tokens` arrays. */
export type TokenDtype = "uint16" | "uint32";

/** What a split holds: tokens (with one `<|endoftext|>` per document), documents, text bytes. */
export interface SplitTotals {
  /** Tokens, one `<|endoftext|>` per document included. */
  tokens: number;
  /** Documents. */
  documents: number;
  /** UTF-8 bytes of the split's documents (for bits per byte). */
  bytes: number;
}

/**
 * Where a split resumes after a crash. Everything before the resume document is on disk in
 * complete chunks, except possibly the head of that document's tokens (the part that fell into
 * the last complete token chunk) and its successors' offsets: a resumed run encodes the document
 * again and drops the tokens and offsets already written.
 */
export interface SplitResume {
  /** Complete token shard files on disk. */
  token_chunks: number;
  /** Complete doc_offsets chunk files on disk. */
  offset_chunks: number;
  /** Index within the split of the first document to process again. */
  next_document: number;
  /** Position in the input stream from which this split's documents are processed again. */
  next_input_index: number;
  /** Token index where `next_document` starts. */
  next_document_start: number;
  /** UTF-8 bytes of the split's documents before `next_document`. */
  bytes_before: number;
}

/** The arguments that decide a store's content; a different value refuses a resume. */
export interface RunArguments {
  /** sha256 of the JSON of the input manifest (paths, sizes, modification times). */
  inputs_sha256: string;
  /** `--split-lines`. */
  split_lines: boolean;
  /** `--vocab` when the tokenizer is trained here, else null. */
  vocab: number | null;
  /** sha256 of the `--tokenizer` file when one is given, else null. */
  tokenizer_file_sha256: string | null;
  /** `--min-frequency`, null when not given. */
  min_frequency: number | null;
  /** `--max-words`, null when not given. */
  max_words: number | null;
  /** `--val-fraction`. */
  val_fraction: number;
  /** `--chunk-tokens`. */
  chunk_tokens: number;
  /** `--max-docs`, null when not given. */
  max_docs: number | null;
  /** `--shard I/N`: the share of the input's parts this store holds; absent when not sharded. */
  shard?: { index: number; count: number };
}

/** An input file of the manifest. */
export interface InputRecord {
  /** As given (globs expanded), or `npm:nlp-corpus@VERSION`. */
  path: string;
  /** Size on disk. */
  bytes: number;
  /** ISO modification time, when known. */
  mtime: string | null;
}

/** The root group's attributes (snake_case, see CONTRACTS.md). */
export interface StoreAttributes {
  /** "token-shards/1": marks a store this toolkit wrote. */
  format: string;
  /** False while tokenize is running or was interrupted; true once every document is written. */
  complete: boolean;
  /** Ids of the tokenizer (null until it is trained or loaded). */
  vocab_size: number | null;
  /** Id of `<|endoftext|>`, written after every document. */
  eot_id: number | null;
  /** Element type of the `tokens` arrays: uint16 up to 65,536 ids, else uint32. */
  dtype: TokenDtype | null;
  /** sha256 of `tokenizer.json` beside the store. */
  tokenizer_sha256: string | null;
  /** What each split holds (so far, while incomplete). */
  splits: Record<Split, SplitTotals>;
  /** The input manifest (the first 1,000 files; `inputs_total` counts them all). */
  inputs: InputRecord[];
  /** Input files and their bytes, all of them. */
  inputs_total: { files: number; bytes: number };
  /** U+FFFD substitutions made while reading the input (set when complete). */
  invalid_utf8: number;
  /** Version of the toolkit that wrote the store. */
  toolkit_version: string;
  /** ISO time the store was created. */
  created_at: string;
  /** ISO time it was completed (null while incomplete). */
  completed_at: string | null;
  /** Tokens per shard file (`--chunk-tokens`). */
  chunk_tokens: number;
  /** Tokens per independently compressed inner chunk of a shard. */
  inner_chunk_tokens: number;
  /** Offsets per chunk of `doc_offsets`. */
  doc_offsets_chunk: number;
  /** `--val-fraction`. */
  val_fraction: number;
  /** How a document is assigned to a split (see `pipeline/store/split_hash.ts`). */
  split_rule: string;
  /** The arguments that decide the content (a resume must give the same). */
  run: RunArguments;
  /** Resume bookkeeping while incomplete (null once complete or before the tokenizer exists). */
  resume: Record<Split, SplitResume> | null;
}

/** The documented split rule, stored so another implementation can recompute the split. */
export const SPLIT_RULE = "val iff fmix32(fnv1a32(utf8(document))) < val_fraction * 2^32";

/** Whether parsed JSON looks like the root attributes of a store this toolkit wrote. */
export function isStoreAttributes(value: unknown, format: string): value is StoreAttributes {
  const attributes = value as Partial<StoreAttributes> | null;
  return typeof attributes === "object" && attributes !== null && attributes.format === format &&
    typeof attributes.splits === "object" && typeof attributes.run === "object";
}

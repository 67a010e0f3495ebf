/** One input file of a document source, as resolved from the `--input` arguments. */
export interface InputFile {
  /** The path as the user wrote it (directories and globs expanded), or `npm:nlp-corpus@VERSION`. */
  path: string;
  /** Size on disk in bytes (compressed size for compressed files). */
  bytes: number;
  /** Last modification time, ISO 8601; null when unknown. */
  mtime: string | null;
}

/**
 * A piece of a source that can be read on its own, in any thread: one input file, or one of the
 * default corpus's files. Plain data, so it can be posted to a Worker and read there (`readPart`).
 */
export type SourcePart =
  | { kind: "file"; file: InputFile }
  | { kind: "default-corpus"; path: string; bytes: number }
  | { kind: "archive-share"; file: InputFile; share: ArchiveShare };

/** One of `count` disjoint shares of a source's parts (`--shard index/count`). */
export interface Shard {
  /** 0 to count - 1. */
  index: number;
  /** Shares in all, at least 1. */
  count: number;
}

/**
 * What a sharded source reads of a tar archive: the members the share rule gives to `index`,
 * going on from `loads` (the bytes of each share before the archive; see `_shard_plan.ts`).
 */
export interface ArchiveShare extends Shard {
  loads: number[];
}

/**
 * A compressed archive member handed over whole instead of read in place (see
 * `ReadContext.delegate`); `readMember` reads its documents, in any thread.
 */
export interface ArchiveMember {
  /** Its path inside the archive (decides its format, as for a file). */
  name: string;
  /** Names it in errors: the input path, then `:member` for each archive level. */
  label: string;
  /** Its bytes, as stored in the archive. */
  bytes: Uint8Array<ArrayBuffer>;
}

/** What a pass yields: a document, or an archive member it was asked to hand over. */
export type SourceItem = string | ArchiveMember;

/** Live counters of one pass over a {@link DocumentSource}. */
export interface ReadStats {
  /** Documents yielded so far in the current pass. */
  documents: number;
  /** Bytes of input files consumed so far (compressed size), for progress against `totalBytes`. */
  inputBytes: number;
  /** UTF-8 bytes of the documents yielded. */
  textBytes: number;
  /** U+FFFD substitutions made for invalid UTF-8 byte sequences (and lone surrogates in JSON escapes). */
  invalidUtf8: number;
}

/** Options of {@link readDocuments}. */
export interface ReadOptions {
  /** Plain-text files give one document per non-empty line instead of one per file. */
  splitLines?: boolean;
  /** Read only this share of the parts (files, default-corpus files, tar archives' members). */
  shard?: Shard;
}

/**
 * Documents read one at a time in bounded memory. Each `for await` is a fresh pass from the start, in a
 * deterministic order; `stats` counts the pass under way (two passes at once share the counters).
 */
export interface DocumentSource extends AsyncIterable<string> {
  /** Resolved, sorted file list (globs expanded, directories walked); the default corpus is one entry. */
  readonly inputs: InputFile[];
  /** Sum of the bytes of the files a pass reads (all of them unsharded), for the ETA. */
  readonly totalBytes: number;
  /** The share of the parts read, when sharded. */
  readonly shard: Shard | null;
  /** The pieces a pass reads one after the other; reading them apart gives the same documents. */
  readonly parts: SourcePart[];
  /** The `splitLines` option the source was opened with (`readPart` needs it). */
  readonly splitLines: boolean;
  /** Live counters of the current pass; reset when a new pass starts. */
  readonly stats: ReadStats;
  /**
   * A pass (as `for await` makes) in which each archive member `delegate` picks comes as one
   * `ArchiveMember` item instead of its documents; `stats.documents` counts only documents.
   */
  items(delegate: (name: string, size: number) => boolean): AsyncGenerator<SourceItem>;
}

/** What every reader of one pass shares: the counters to update and the options. */
export interface ReadContext {
  readonly stats: ReadStats;
  readonly splitLines: boolean;
  /**
   * Asked for each member of an archive, with its size: true hands the member over whole, as an
   * `ArchiveMember` item in its place, instead of reading its documents here.
   */
  readonly delegate?: (name: string, size: number) => boolean;
}

/** Picks the members of the outermost tar archive to read (false: skipped unread). */
export type MemberFilter = (name: string, size: number) => boolean;

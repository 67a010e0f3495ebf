/**
 * How a run continues a store an earlier run left incomplete (crash, Ctrl-C, kill), in one place.
 *
 * - Whether it may: the same run arguments (`checkSameRun`), every chunk the journal counts still
 *   on disk (`checkChunksOnDisk`), the tokenizer.json it was started with (`readRecordedTokenizer`).
 * - From where: per split, the first input index whose document is not on disk (`neededFrom`, from
 *   the resume points `SplitBuffer` records in the journal with every commit).
 * - What the encoding pass passes over: the leading parts whose documents both splits hold
 *   (`countPrefix` counts them on the Workers, `partsBefore` picks them), or on the stream path the
 *   leading documents (`isOnDisk`). A document a split holds only in part is encoded again, and
 *   `SplitBuffer` drops the tokens already written.
 */
import { UserError } from "../../core/user_error.ts";
import { sha256Hex } from "../../core/sha256.ts";
import type { SourcePart } from "../sources/mod.ts";
import type { CorpusEncoder } from "./_corpus_encoder.ts";
import type { EncoderTask, InputCounts } from "./_corpus_encoder_worker.ts";
import { chunkKey } from "./_layout.ts";
import type { StoreStorage } from "./_storage.ts";
import type { TokenizerFile } from "./_tokenizer_file.ts";
import { type Split, SPLITS } from "./split_hash.ts";
import type { RunArguments, SplitResume, StoreAttributes } from "./store_attributes.ts";

/** The command-line flag each run argument comes from, to name it in a refusal. */
const FLAGS: Record<keyof RunArguments, string> = {
  inputs_sha256: "--input (the files, their sizes or modification times)",
  split_lines: "--split-lines",
  vocab: "--vocab",
  tokenizer_file_sha256: "--tokenizer (file content)",
  min_frequency: "--min-frequency",
  max_words: "--max-words",
  val_fraction: "--val-fraction",
  chunk_tokens: "--chunk-tokens",
  max_docs: "--max-docs",
  shard: "--shard",
};

/**
 * What differs between the arguments a store was started with and the ones given now, one
 * phrase per argument ("--vocab: 8000 before, 4000 now"); empty when the run may continue.
 */
export function runDifferences(stored: RunArguments, given: RunArguments): string[] {
  const differences: string[] = [];
  for (const key of Object.keys(FLAGS) as (keyof RunArguments)[]) {
    if (show(stored[key]) === show(given[key])) continue;
    differences.push(
      key === "inputs_sha256" || key === "tokenizer_file_sha256"
        ? `${FLAGS[key]} changed`
        : `${FLAGS[key]}: ${show(stored[key])} before, ${show(given[key])} now`,
    );
  }
  return differences;
}

function show(value: unknown): string {
  if (value === null || value === undefined) return "not given";
  if (typeof value === "object" && "index" in value && "count" in value) {
    return `${value.index}/${value.count}`; // --shard
  }
  return String(value);
}

/**
 * Refuses (`UserError`) to continue the store at `storePath` with other run arguments than it was
 * started with, naming each difference.
 */
export function checkSameRun(
  storePath: string,
  attributes: StoreAttributes,
  run: RunArguments,
): void {
  const differences = runDifferences(attributes.run, run);
  if (!differences.length) return;
  const tokenizer = attributes.run.tokenizer_file_sha256 !== run.tokenizer_file_sha256 &&
      run.tokenizer_file_sha256 !== null
    ? ` with another tokenizer (sha256 ${
      attributes.tokenizer_sha256?.slice(0, 12) ?? "none"
    }... there, ${run.tokenizer_file_sha256.slice(0, 12)}... given)`
    : "";
  throw new UserError(
    `${storePath} was written${tokenizer} with other arguments (${
      differences.join("; ")
    }): give the same arguments to continue it, or --overwrite to replace it`,
  );
}

/** A resumed store must still hold every chunk its journal counts (someone may have deleted one). */
export async function checkChunksOnDisk(
  storePath: string,
  storage: StoreStorage,
  resume: Record<Split, SplitResume> | null,
): Promise<void> {
  if (!resume) return;
  for (const split of SPLITS) {
    const counts = { tokens: resume[split].token_chunks, doc_offsets: resume[split].offset_chunks };
    for (const [name, count] of Object.entries(counts) as ["tokens" | "doc_offsets", number][]) {
      for (let index = 0; index < count; index++) {
        const key = chunkKey(split, name, index);
        if (!(await storage.has(key))) {
          const file = storage.locate(key);
          throw new UserError(`${storePath} is damaged: ${file} is missing (use --overwrite)`);
        }
      }
    }
  }
}

/**
 * The tokenizer.json a store was started with, not parsed again (what it defines is in the
 * store's attributes); a `UserError` if it is missing or changed.
 */
export async function readRecordedTokenizer(
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
  const actual = await sha256Hex(bytes);
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

/**
 * Per split, the input index from which documents must still be added: the ones before are on
 * disk; 0 for a new store.
 */
export function neededFrom(resume: Record<Split, SplitResume>): Record<Split, number> {
  return { train: resume.train.next_input_index, val: resume.val.next_input_index };
}

/** Whether the document at input index `index` is on disk in both splits (a pass skips it). */
export function isOnDisk(index: number, needsFrom: Record<Split, number>): boolean {
  return index < Math.min(needsFrom.train, needsFrom.val);
}

/**
 * The signal fired while a resumed run was still passing over what the store holds: nothing is in
 * hand, so it stops at once instead of at the next commit.
 */
export class StoppedWhileSkipping extends Error {}

/** Counts of nothing yet. */
export function noCounts(): InputCounts {
  return { documents: 0, inputBytes: 0, invalidUtf8: 0 };
}

/**
 * The counts of the first parts, up to the one holding input index `until - 1` (so every part
 * after them starts at or past `until`, where both splits need every document); none for a new
 * store. Counted by the Workers, in parallel.
 */
export async function countPrefix(
  encoder: CorpusEncoder,
  parts: SourcePart[],
  until: number,
  signal?: AbortSignal,
): Promise<InputCounts[]> {
  const counts: InputCounts[] = [];
  if (until === 0) return counts;
  let total = 0;
  let current = noCounts();
  const tasks = parts.map((part): EncoderTask => ({ kind: "count", part }));
  for await (const { batch } of encoder.run(tasks)) {
    if (signal?.aborted) throw new StoppedWhileSkipping();
    current.documents += batch.documents;
    current.inputBytes += batch.inputBytes;
    for (const invalid of batch.invalidUtf8) current.invalidUtf8 += invalid;
    if (!batch.last) continue;
    current.invalidUtf8 += batch.invalidAfter;
    counts.push(current);
    total += current.documents;
    current = noCounts();
    if (total >= until) break;
  }
  return counts;
}

/**
 * The leading parts a resumed pass passes over, whose documents (by `counts`) all lie on disk in
 * both splits: how many, and what they hold together.
 */
export function partsBefore(
  counts: InputCounts[],
  needsFrom: Record<Split, number>,
): { parts: number; counts: InputCounts } {
  const skipped = noCounts();
  let parts = 0;
  for (const count of counts) {
    if (!isOnDisk(skipped.documents + count.documents - 1, needsFrom)) break;
    skipped.documents += count.documents;
    skipped.inputBytes += count.inputBytes;
    skipped.invalidUtf8 += count.invalidUtf8;
    parts++;
  }
  return { parts, counts: skipped };
}

import type { RunArguments } from "./store_attributes.ts";

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
};

/**
 * What differs between the arguments a store was started with and the ones given now, one
 * phrase per argument ("--vocab: 8000 before, 4000 now"); empty when the run may continue.
 */
export function runDifferences(stored: RunArguments, given: RunArguments): string[] {
  const differences: string[] = [];
  for (const key of Object.keys(FLAGS) as (keyof RunArguments)[]) {
    if (stored[key] === given[key]) continue;
    differences.push(
      key === "inputs_sha256" || key === "tokenizer_file_sha256"
        ? `${FLAGS[key]} changed`
        : `${FLAGS[key]}: ${show(stored[key])} before, ${show(given[key])} now`,
    );
  }
  return differences;
}

function show(value: unknown): string {
  return value === null ? "not given" : String(value);
}

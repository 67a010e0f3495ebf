/**
 * `deno task tokenize`: stream a corpus, train (or reuse) the byte-level BPE tokenizer, encode every
 * document on all cores and write the tokens into `DIR/tokens.zarr`, resumable after any crash.
 * Flags, progress bar and summary only; the work is `tokenizeCorpus` in `pipeline/`.
 */
import { type FlagValues, numberFlag, parseFlags } from "./cli/flags.ts";
import { formatAmount, formatDuration, Progress } from "./cli/progress.ts";
import { abortOnSigint } from "./cli/interrupt.ts";
import { runTask } from "./cli/run_task.ts";
import { UserError } from "../core/user_error.ts";
import {
  mergeStores,
  parseShard,
  tokenizeCorpus,
  type TokenizeProgress,
  type TokenizeSummary,
} from "../pipeline/mod.ts";

const USAGE =
  `usage: deno task tokenize [--input PATH...] [--vocab N | --tokenizer FILE] [--out DIR] [options]

Streams the documents of the inputs (files, directories, globs: .txt, .jsonl, .parquet, .tar, each
optionally .gz/.xz/.zst; default: the embedded nlp-corpus), trains a byte-level BPE tokenizer (or
uses --tokenizer), encodes every document on all cores and writes DIR/tokenizer.json and
DIR/tokens.zarr (Zarr 3: train/ and val/, each with tokens and doc_offsets). Interrupted (Ctrl-C,
kill, crash), the same command continues where it stopped; other arguments over an existing store
are refused unless --overwrite.

       deno task tokenize --merge OUT STORE... [--json]

Writes OUT/stores.json naming the complete stores (folders, manifests or globs; paths relative to
OUT) and copies their tokenizer.json into OUT, after checking they share the tokenizer; no token
is copied. train/eval/size --data OUT then read them as one.`;

const FLAGS = {
  input: {
    type: "string",
    multiple: true,
    help: "PATH  input file, directory or glob (repeatable)",
  },
  "split-lines": { type: "boolean", help: "one document per line of plain-text files" },
  vocab: {
    type: "string",
    help:
      "N  vocabulary to train, bytes and <|endoftext|> included (default 8000; 512 for the embedded corpus)",
  },
  tokenizer: { type: "string", help: "FILE  use this tokenizer.json instead of training one" },
  "min-frequency": { type: "string", help: "N  least count of a pair to merge (default 2)" },
  "max-words": { type: "string", help: "N  distinct words kept while counting (default 4M)" },
  out: { type: "string", help: "DIR  output directory (default data/default)" },
  "val-fraction": {
    type: "string",
    help: "F  share of documents in val, by content hash (default 0.005)",
  },
  workers: {
    type: "string",
    help: `N  workers that read and encode (default: cores, ${navigator.hardwareConcurrency})`,
  },
  "chunk-tokens": { type: "string", help: "N  tokens per shard file (default 1048576)" },
  "max-docs": { type: "string", help: "N  read only the first N documents" },
  overwrite: { type: "boolean", help: "replace an existing store (and tokenizer.json) in DIR" },
  resume: { type: "boolean", help: "fail unless there is a store in DIR to continue" },
  shard: {
    type: "string",
    help: "I/N  tokenize only share I (0 to N-1) of the input's parts; needs --tokenizer",
  },
  json: { type: "boolean", help: "print the summary as JSON" },
  merge: { type: "string", help: "OUT STORE...  write the manifest OUT/stores.json of the stores" },
} as const;

await runTask(async () => {
  const [args, stores] = mergeOperands(Deno.args);
  const flags = parseFlags(args, USAGE, FLAGS);
  if (flags.merge !== undefined) return await merge(flags, stores);
  const optional = (name: string, limits: Parameters<typeof numberFlag>[2]) =>
    flags[name] === undefined ? undefined : numberFlag(name, flags[name], limits);
  const whole = { integer: true, min: 1 };

  // Ctrl-C once: finish the chunk in hand, then stop (resumable). Twice: stop now (still resumable).
  const interrupt = abortOnSigint(
    "interrupted: finishing the chunk in hand (Ctrl-C again to stop now)",
  );
  let bar: { phase: string; progress: Progress } | undefined;
  let inputBytes = 0;
  let note = "";
  const onProgress = (progress: TokenizeProgress) => {
    if (bar?.phase !== progress.phase) {
      bar?.progress.finish(inputBytes, note);
      const label = progress.phase === "train" ? "training BPE" : "tokenizing";
      bar = {
        phase: progress.phase,
        progress: new Progress(label, { unit: "B", total: progress.totalBytes }),
      };
    }
    inputBytes = progress.inputBytes;
    const tokens = progress.phase === "encode"
      ? `  ${formatAmount(progress.tokens, "tokens")}`
      : "";
    note = `${formatAmount(progress.documents, "docs")}${tokens}`;
    bar.progress.update(progress.inputBytes, note);
  };

  const summary = await tokenizeCorpus({
    inputs: (flags.input as string[] | undefined) ?? [],
    splitLines: flags["split-lines"] === true,
    vocabSize: optional("vocab", { integer: true, min: 1, max: 2 ** 32 }),
    tokenizerPath: flags.tokenizer as string | undefined,
    minFrequency: optional("min-frequency", { min: 0 }),
    maxWords: optional("max-words", whole),
    outDir: (flags.out as string | undefined) ?? "data/default",
    valFraction: optional("val-fraction", { min: 0, max: 0.999999 }),
    workers: optional("workers", whole),
    chunkTokens: optional("chunk-tokens", whole),
    maxDocs: optional("max-docs", whole),
    overwrite: flags.overwrite === true,
    resume: flags.resume === true,
    shard: flags.shard === undefined ? undefined : parseShard(flags.shard as string),
    signal: interrupt.signal,
    onProgress,
  });
  interrupt.dispose();
  bar?.progress.finish(inputBytes, note);
  console.log(flags.json ? JSON.stringify(summary, null, 2) : describe(summary));
  if (summary.status === "interrupted") {
    console.error(`stopped: the store is resumable; run the same command again to continue`);
    Deno.exit(130);
  }
});

function describe(summary: TokenizeSummary): string {
  const reading = {
    parts: "input files read by the workers",
    stream:
      "input read by the main thread (compressed archive members by the workers), encoded by the workers",
  };
  const { train, val } = summary.splits;
  const state = summary.status === "interrupted"
    ? "interrupted (resumable)"
    : summary.alreadyComplete
    ? "already complete, nothing to do"
    : summary.resumed
    ? "complete (resumed)"
    : "complete";
  const report = summary.trainReport;
  const tokenizer = report
    ? `trained: ${report.merges} merges from ${formatAmount(report.bytes, "B")} in ${
      report.seconds.toFixed(1)
    } s`
    : "reused";
  const split = (totals: typeof train) =>
    `${totals.tokens.toLocaleString("en")} tokens, ${
      totals.documents.toLocaleString("en")
    } documents, ${formatAmount(totals.bytes, "B")}`;
  return [
    `store:         ${summary.storePath} (${state})`,
    `tokenizer:     ${summary.tokenizerPath} (vocab ${
      summary.vocabSize ?? "-"
    }, ${tokenizer}), stored as ${summary.dtype ?? "-"}`,
    `documents:     ${summary.documents.toLocaleString("en")}`,
    `train:         ${split(train)}`,
    `val:           ${split(val)}`,
    `bytes/token:   ${summary.bytesPerToken.toFixed(3)}`,
    `invalid UTF-8: ${summary.invalidUtf8.toLocaleString("en")} replaced by U+FFFD`,
    `time:          ${formatDuration(summary.seconds)} (${summary.seconds.toFixed(1)} s)${
      summary.reading ? `, ${reading[summary.reading]}` : ""
    }`,
  ].join("\n");
}

/** `--merge OUT STORE...`: the words after OUT up to the next flag are the stores, taken out of the flags. */
function mergeOperands(args: string[]): [string[], string[]] {
  const at = args.indexOf("--merge");
  if (at < 0) return [args, []];
  const next = args.slice(at + 2).findIndex((arg) => arg.startsWith("-"));
  const end = next < 0 ? args.length : at + 2 + next;
  return [[...args.slice(0, at + 2), ...args.slice(end)], args.slice(at + 2, end)];
}

async function merge(flags: FlagValues, stores: string[]): Promise<void> {
  const other = Object.keys(flags).find((name) => name !== "merge" && name !== "json");
  if (other) throw new UserError(`--merge: --${other} does not apply to a merge`);
  const summary = await mergeStores(String(flags.merge), stores);
  const tokens = (split: "train" | "val") => summary.splits[split].tokens.toLocaleString("en");
  console.log(
    flags.json
      ? JSON.stringify(summary, null, 2)
      : `${summary.manifestPath}: ${summary.stores.length} stores, train ${tokens("train")} ` +
        `tokens, val ${tokens("val")} tokens (vocab ${summary.vocabSize}, ${summary.dtype})`,
  );
}

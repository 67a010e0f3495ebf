/**
 * `deno task bench shards`: the token store against its anchors, measured in the same run on the
 * default corpus encoded with a vocabulary-8000 tokenizer trained here:
 *
 * 1. writing: `StoreWriter` (split, chunks, zstd, atomic writes, fsync, journal) vs the same uint16
 *    tokens appended to raw `train.bin` / `val.bin` files (nanoGPT's format), without and with an
 *    fsync per 1,048,576 tokens (the durability the store gives) -- target: at least 0.8x raw;
 *    plus the zstd size/speed trade-off that chose the codec level and inner chunk;
 * 2. encoding + writing the default corpus (`tokenizeCorpus` with the tokenizer given) on 2 workers
 *    vs 1 -- target: at least 1.7x faster; and the same on `--encode-copies` copies of it as JSONL
 *    files, where the fixed costs of a run (tokenizer, store, Worker start-up) weigh less, and in
 *    OpenWebText's layout (a .tar.xz of .xz tars), where the main thread decodes the outer layer;
 * 3. 1,000 random batches of 64 x 257 tokens: `TokenStore.batch` vs the same windows read from a raw
 *    `.bin` (a seek and a read per row) -- target: within 2x; once on the default corpus store (all
 *    of it fits in the chunk cache) and once on the big store of (1) with a cache 1/10 its size;
 * 4. `deno task tokenize --shard 0/2` and `--shard 1/2` run at once as two processes (one worker
 *    each: the two cores) vs one unsharded `deno task tokenize` (two workers), on the JSONL copies
 *    of (2): the wall-clock ratio, and the balance (largest share's tokens over the mean) --
 *    target: at most 1.05. `--sharded-only` runs only this one.
 * 5. the same batches across 4 merged stores vs one store of the same tokens -- target: within 1.2x.
 */
import { constants, zstdCompressSync } from "node:zlib";
import { isCompressedName } from "../pipeline/sources/mod.ts";
import {
  EncoderPool,
  openStore,
  readDocuments,
  tokenizeCorpus,
  type TokenizeSummary,
  trainBpe,
} from "../pipeline/mod.ts";
import { innerChunkTokens, ZSTD_LEVEL } from "../pipeline/store/_layout.ts";
import { hashDocument, type Split, splitOf } from "../pipeline/store/split_hash.ts";
import { StoreWriter } from "../pipeline/store/_store_writer.ts";
import { numberFlag, parseFlags } from "../tasks/cli/flags.ts";
import { Random } from "../model/gpt/random.ts";
import { timed } from "./timing.ts";

/** The same random windows for both readers. */
function seeded(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}

const USAGE =
  "usage: deno task bench shards [--repeats N] [--copies N] [--encode-copies N] [--sharded-only] [--json]";

const FLAGS = {
  repeats: {
    type: "string",
    default: "3",
    help: "N  runs of each timing; the median is shown (default 3)",
  },
  copies: {
    type: "string",
    default: "20",
    help: "N  corpus copies written in (1) (default 20, ~47M tokens)",
  },
  "encode-copies": {
    type: "string",
    default: "10",
    help: "N  corpus copies, as JSONL files, encoded in (2) (default 10, ~23M tokens)",
  },
  json: { type: "boolean", help: "print the figures as JSON on stdout" },
  "sharded-only": { type: "boolean", help: "run only (4), the sharded tokenize runs" },
} as const;

const CHUNK_TOKENS = 1_048_576;
const VAL_FRACTION = 0.005;

/** A document ready to write: its split (decided outside the timings) and tokens. */
interface Encoded {
  split: Split;
  tokens: Uint32Array;
  utf8Bytes: number;
}

/** CPU seconds (user + system) this process has used, all threads; NaN off Linux. */
function processCpuSeconds(): number {
  try {
    const fields = Deno.readTextFileSync("/proc/self/stat").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks of 1/100 s (USER_HZ)
  } catch {
    return NaN;
  }
}

async function directoryBytes(path: string): Promise<number> {
  let total = 0;
  for await (const entry of Deno.readDir(path)) {
    const child = `${path}/${entry.name}`;
    total += entry.isDirectory ? await directoryBytes(child) : (await Deno.stat(child)).size;
  }
  return total;
}

/**
 * `texts` in OpenWebText's layout, `copies` times: `DIR/openwebtext.tar.xz` holding 100 xz tars per
 * copy, each of 20 `.txt` pages of 50 sentences (about 5 kB, as OpenWebText's pages are).
 */
async function writeOpenWebText(dir: string, texts: string[], copies: number): Promise<string> {
  const tool = async (cwd: string, command: string, ...args: string[]) => {
    const output = await new Deno.Command(command, { args, cwd, stderr: "piped" }).output();
    if (!output.success) throw new Error(new TextDecoder().decode(output.stderr));
  };
  await Deno.mkdir(`${dir}/openwebtext`, { recursive: true });
  const pages = 20, sentences = 50;
  for (let copy = 0; copy < copies; copy++) {
    for (let subset = 0; subset < 100; subset++) {
      const name = `urlsf_subset${String(copy).padStart(2, "0")}-${subset}_data`;
      const files: string[] = [];
      await Deno.mkdir(`${dir}/${name}`);
      for (let page = 0; page < pages; page++) {
        const from = ((subset * pages + page) * sentences) % texts.length;
        files.push(`${String(page).padStart(4, "0")}.txt`);
        await Deno.writeTextFile(
          `${dir}/${name}/${files[page]}`,
          texts.slice(from, from + sentences).join(" "),
        );
      }
      await tool(`${dir}/${name}`, "tar", "-cf", `${dir}/openwebtext/${name}`, ...files);
      await tool(`${dir}/openwebtext`, "xz", "-1", "-T1", name);
    }
  }
  await tool(dir, "tar", "--sort=name", "-cf", "openwebtext.tar", "openwebtext");
  await tool(dir, "xz", "-1", "-T1", "openwebtext.tar");
  return `${dir}/openwebtext.tar.xz`;
}

/** One `tokenizeCorpus` run of (2), timed in its phases. */
interface EncodeRun {
  seconds: number;
  /** Until the first encoded tokens were appended (tokenizer, store, Worker start-up). */
  startSeconds: number;
  /** From the last tokens appended to the end (last chunks, metadata, journal). */
  finishSeconds: number;
  /** CPU seconds of all threads over wall seconds. */
  coresBusy: number;
  reading: "parts" | "stream" | undefined;
}

async function encodeRun(
  tokenizerPath: string,
  inputs: string[],
  outDir: string,
  workers: number,
): Promise<EncodeRun> {
  const cpuBefore = processCpuSeconds();
  const start = performance.now();
  let first = NaN, last = NaN;
  const summary = await tokenizeCorpus({
    inputs,
    tokenizerPath,
    outDir,
    workers,
    overwrite: true,
    onProgress: (progress) => {
      if (progress.phase !== "encode" || progress.tokens === 0) return;
      last = performance.now();
      if (Number.isNaN(first)) first = last;
    },
  });
  const end = performance.now();
  const seconds = (end - start) / 1000;
  return {
    seconds,
    startSeconds: (first - start) / 1000,
    finishSeconds: (end - last) / 1000,
    coresBusy: (processCpuSeconds() - cpuBefore) / seconds,
    reading: summary.reading,
  };
}

/** Writes `copies` passes over `documents` to a new store at `path`. */
async function writeStore(
  path: string,
  documents: Encoded[],
  copies: number,
  eotId: number,
): Promise<void> {
  await Deno.remove(path, { recursive: true }).catch(() => {});
  const writer = await StoreWriter.create(path, {
    run: {
      inputs_sha256: "bench",
      split_lines: false,
      vocab: 8000,
      tokenizer_file_sha256: null,
      min_frequency: null,
      max_words: null,
      val_fraction: VAL_FRACTION,
      chunk_tokens: CHUNK_TOKENS,
      max_docs: null,
    },
    inputs: [],
    chunkTokens: CHUNK_TOKENS,
    innerChunkTokens: innerChunkTokens(CHUNK_TOKENS),
    valFraction: VAL_FRACTION,
  });
  await writer.setTokenizer({ sha256: "bench", vocabSize: 8000, eotId });
  let index = 0;
  for (let copy = 0; copy < copies; copy++) {
    for (const { split, tokens, utf8Bytes } of documents) {
      if (writer.add(split, tokens, index++, utf8Bytes)) await writer.settle();
    }
  }
  await writer.finish(0);
  writer.close();
}

/** Appends the same tokens (EOT after each document) as uint16 to `DIR/train.bin` and `DIR/val.bin`. */
async function writeRaw(
  dir: string,
  documents: Encoded[],
  copies: number,
  eotId: number,
  fsync: boolean,
) {
  const files = {
    train: await Deno.open(`${dir}/train.bin`, { write: true, create: true, truncate: true }),
    val: await Deno.open(`${dir}/val.bin`, { write: true, create: true, truncate: true }),
  };
  const buffers = { train: new Uint16Array(CHUNK_TOKENS), val: new Uint16Array(CHUNK_TOKENS) };
  const fill = { train: 0, val: 0 };
  const flush = async (split: Split) => {
    const bytes = new Uint8Array(buffers[split].buffer, 0, fill[split] * 2);
    for (let written = 0; written < bytes.length;) {
      written += await files[split].write(bytes.subarray(written));
    }
    if (fsync) await files[split].syncData();
    fill[split] = 0;
  };
  const push = async (split: Split, token: number) => {
    buffers[split][fill[split]++] = token;
    if (fill[split] === CHUNK_TOKENS) await flush(split);
  };
  for (let copy = 0; copy < copies; copy++) {
    for (const { split, tokens } of documents) {
      let from = 0;
      while (from < tokens.length) {
        const take = Math.min(tokens.length - from, CHUNK_TOKENS - fill[split]);
        buffers[split].set(tokens.subarray(from, from + take), fill[split]);
        fill[split] += take;
        from += take;
        if (fill[split] === CHUNK_TOKENS) await flush(split);
      }
      await push(split, eotId);
    }
  }
  for (const split of ["train", "val"] as const) {
    await flush(split);
    files[split].close();
  }
}

/** The same windows as `TokenStore.batch`, read from a raw uint16 file with a seek and a read per row. */
function rawBatch(
  file: Deno.FsFile,
  tokens: number,
  batchSize: number,
  context: number,
  rng: () => number,
): Int32Array {
  const window = context + 1;
  const out = new Int32Array(batchSize * window);
  const row = new Uint16Array(window);
  const bytes = new Uint8Array(row.buffer);
  const starts = tokens - window + 1;
  for (let r = 0; r < batchSize; r++) {
    const start = Math.min(starts - 1, Math.floor(rng() * starts));
    file.seekSync(start * 2, Deno.SeekMode.Start);
    for (let read = 0; read < bytes.length;) read += file.readSync(bytes.subarray(read))!;
    out.set(row, r * window);
  }
  return out;
}

export async function run(args: string[]): Promise<void> {
  const flags = parseFlags(args, USAGE, FLAGS);
  const repeats = numberFlag("repeats", flags.repeats, { min: 1, integer: true });
  const copies = numberFlag("copies", flags.copies, { min: 1, integer: true });
  const encodeCopies = numberFlag("encode-copies", flags["encode-copies"], {
    min: 1,
    integer: true,
  });
  const json = flags.json === true;
  const log = json ? () => {} : console.log;
  const figures: Record<string, number> = {};
  const work = await Deno.makeTempDir({ prefix: "bench-shards-" });
  try {
    log(`load average: ${Deno.loadavg().map((x) => x.toFixed(2)).join(" ")} (2 cores shared)`);
    log(
      "preparing: training a vocabulary-8000 tokenizer on the default corpus and encoding it ...",
    );
    const texts: string[] = [];
    for await (const text of await readDocuments([])) texts.push(text);
    const tokenizer = await trainBpe(texts, { vocabSize: 8000 });
    const tokenizerPath = `${work}/tokenizer.json`;
    await Deno.writeTextFile(tokenizerPath, tokenizer.toJson());
    const jsonlDir = await writeJsonlCopies(`${work}/jsonl`, texts, encodeCopies);
    const sharded = () => shardedRuns(work, tokenizerPath, jsonlDir, encodeCopies, repeats, log);
    if (flags["sharded-only"] === true) {
      Object.assign(figures, await sharded());
      if (json) console.log(JSON.stringify(figures, null, 2));
      return;
    }
    const pool = new EncoderPool(tokenizer.toJson(), navigator.hardwareConcurrency);
    const encodedTokens = await pool.encode(texts);
    pool.close();
    const documents: Encoded[] = texts.map((text, i) => {
      const { hash, utf8Bytes } = hashDocument(text);
      return { split: splitOf(hash, VAL_FRACTION), tokens: encodedTokens[i], utf8Bytes };
    });
    const corpusTokens = documents.reduce((sum, d) => sum + d.tokens.length + 1, 0);
    const eotId = tokenizer.eotId;

    // (1) Writing.
    const tokens = corpusTokens * copies;
    log(`\n(1) writing ${(tokens / 1e6).toFixed(1)}M tokens (${copies} copies of the corpus)`);
    const storeSeconds = await timed(
      repeats,
      () => writeStore(`${work}/big/tokens.zarr`, documents, copies, eotId),
    );
    const rawSeconds = await timed(repeats, () => writeRaw(work, documents, copies, eotId, false));
    const rawSyncSeconds = await timed(
      repeats,
      () => writeRaw(work, documents, copies, eotId, true),
    );
    const storeBytes = await directoryBytes(`${work}/big/tokens.zarr`);
    const rate = (seconds: number) =>
      `${(tokens / seconds / 1e6).toFixed(1)}M tokens/s (${
        (tokens * 2 / seconds / 1e6).toFixed(0)
      } MB/s of uint16)`;
    log(
      `  store (zstd ${ZSTD_LEVEL}, fsync per chunk)  ${storeSeconds.toFixed(2)} s  ${
        rate(storeSeconds)
      }`,
    );
    log(
      `  raw .bin, page cache only   ${rawSeconds.toFixed(2)} s  ${rate(rawSeconds)}  ratio ${
        (rawSeconds / storeSeconds).toFixed(2)
      }x (target >= 0.8)`,
    );
    log(
      `  raw .bin, fsync per chunk   ${rawSyncSeconds.toFixed(2)} s  ${
        rate(rawSyncSeconds)
      }  ratio ${(rawSyncSeconds / storeSeconds).toFixed(2)}x (same durability)`,
    );
    log(
      `  size: store ${(storeBytes / 1e6).toFixed(1)} MB vs raw ${
        (tokens * 2 / 1e6).toFixed(1)
      } MB (${(tokens * 2 / storeBytes).toFixed(3)}x smaller)`,
    );
    Object.assign(figures, {
      write_store_seconds: storeSeconds,
      write_raw_seconds: rawSeconds,
      write_raw_fsync_seconds: rawSyncSeconds,
      write_ratio_vs_raw: rawSeconds / storeSeconds,
      write_ratio_vs_raw_fsync: rawSyncSeconds / storeSeconds,
      store_compression_ratio: tokens * 2 / storeBytes,
    });

    log(
      "\n    zstd trade-off on these tokens (compressing 8M tokens; speed of compression alone):",
    );
    const sample = new Uint16Array(Math.min(8 * CHUNK_TOKENS, corpusTokens * copies));
    {
      let at = 0;
      outer: for (;;) {
        for (const { tokens: ids } of documents) {
          for (let j = 0; j <= ids.length; j++) {
            if (at === sample.length) break outer;
            sample[at++] = j < ids.length ? ids[j] : eotId;
          }
        }
      }
    }
    for (const inner of [4096, 8192, 16384, CHUNK_TOKENS]) {
      for (const level of [1, 3, 6]) {
        let compressed = 0;
        const seconds = await timed(1, () => {
          compressed = 0;
          for (let from = 0; from < sample.length; from += inner) {
            const piece = new Uint8Array(
              sample.buffer,
              from * 2,
              Math.min(inner, sample.length - from) * 2,
            );
            compressed +=
              zstdCompressSync(piece, { params: { [constants.ZSTD_c_compressionLevel]: level } })
                .length;
          }
          return Promise.resolve();
        });
        log(
          `    inner chunk ${String(inner).padStart(7)}  level ${level}: ${
            (sample.byteLength / seconds / 1e6).toFixed(0).padStart(4)
          } MB/s, ${(sample.byteLength / compressed).toFixed(3)}x smaller`,
        );
        figures[`zstd_${inner}_${level}_mb_per_s`] = sample.byteLength / seconds / 1e6;
        figures[`zstd_${inner}_${level}_ratio`] = sample.byteLength / compressed;
      }
    }

    // (2) Encoding + writing, 1 vs 2 workers, on the default corpus and on a larger one.
    log(`\n(2) encoding + writing with 1 and 2 workers (the tokenizer given)`);
    const archive = await writeOpenWebText(`${work}/owt`, texts, encodeCopies);
    const copiesTokens = `${(corpusTokens * encodeCopies / 1e6).toFixed(1)}M tokens`;
    for (
      const [key, label, inputs, corpusCopies] of [
        ["default", `default corpus (${(corpusTokens / 1e6).toFixed(2)}M tokens)`, [], 1],
        [
          "jsonl",
          `${encodeCopies} copies of it as ${encodeCopies * 100} JSONL files (${copiesTokens})`,
          [jsonlDir],
          encodeCopies,
        ],
        [
          "openwebtext",
          `the same in OpenWebText's layout, a .tar.xz of ${
            encodeCopies * 100
          } .xz tars of .txt pages (${copiesTokens})`,
          [archive],
          encodeCopies,
        ],
      ] as const
    ) {
      const runs: Record<number, EncodeRun[]> = { 1: [], 2: [] };
      for (let k = 0; k < repeats; k++) {
        for (const workers of [1, 2]) {
          runs[workers].push(
            await encodeRun(tokenizerPath, [...inputs], `${work}/${key}-w${workers}`, workers),
          );
        }
      }
      const middle = (workers: number) => {
        const sorted = [...runs[workers]].sort((a, b) => a.seconds - b.seconds);
        return sorted[sorted.length >> 1];
      };
      const [one, two] = [middle(1), middle(2)];
      const speedup = one.seconds / two.seconds;
      // Amdahl: the start (tokenizer, store, Worker start-up, until the first tokens come back) and
      // the finish do not shrink with workers; at best the rest halves.
      const fixed = one.startSeconds + one.finishSeconds;
      const bound = one.seconds / (fixed + (one.seconds - fixed) / 2);
      const tokensPerSecond = (run: EncodeRun) =>
        `${(corpusTokens * corpusCopies / run.seconds / 1e6).toFixed(1)}M tokens/s`;
      log(
        `  ${label}, ${
          one.reading === "parts"
            ? "read by the workers"
            : "read by the main thread (compressed archive members by the workers)"
        }`,
      );
      log(
        `    1 worker   ${one.seconds.toFixed(2)} s  ${tokensPerSecond(one)}, ${
          one.coresBusy.toFixed(2)
        } cores busy  (anchor)`,
      );
      log(
        `    2 workers  ${two.seconds.toFixed(2)} s  ${tokensPerSecond(two)}, ${
          two.coresBusy.toFixed(2)
        } cores busy  speed-up ${speedup.toFixed(2)}x${
          key === "default" ? " (target >= 1.7)" : ""
        }`,
      );
      log(
        `    fixed: ${one.startSeconds.toFixed(2)} s until the first tokens are back, ${
          one.finishSeconds.toFixed(2)
        } s finishing; with the rest halved the speed-up is at most ${bound.toFixed(2)}x`,
      );
      if (key === "openwebtext") {
        // The outer layer stays on the main thread: it bounds the speed-up whatever the workers.
        const source = await readDocuments([archive]);
        const outer = await timed(1, async () => {
          for await (const _ of source.items(isCompressedName));
        });
        const whole = await timed(1, async () => {
          for await (const _ of source);
        });
        log(
          `    main thread: ${
            outer.toFixed(2)
          } s reading the outer .tar.xz, the inner .xz handed ` +
            `to the workers (decoding both layers there: ${whole.toFixed(2)} s)`,
        );
        Object.assign(figures, {
          openwebtext_outer_seconds: outer,
          openwebtext_read_seconds: whole,
        });
      }
      Object.assign(figures, {
        [`encode_${key}_1_worker_seconds`]: one.seconds,
        [`encode_${key}_2_workers_seconds`]: two.seconds,
        [`encode_${key}_speedup`]: speedup,
        [`encode_${key}_1_worker_cores_busy`]: one.coresBusy,
        [`encode_${key}_2_workers_cores_busy`]: two.coresBusy,
        [`encode_${key}_fixed_seconds`]: fixed,
        [`encode_${key}_speedup_bound`]: bound,
      });
    }

    // (3) Random batches.
    const [batches, batchSize, context] = [1000, 64, 256];
    log(`\n(3) ${batches} random batches of ${batchSize} x ${context + 1} tokens`);
    for (
      const [label, storeDir, rawPath, cacheBytes] of [
        ["default corpus store", `${work}/default-w2`, `${work}/default.bin`, 256e6],
        [`big store of (1), cache 1/10 of it`, `${work}/big`, `${work}/train.bin`, 0],
      ] as const
    ) {
      const probe = await openStore(storeDir);
      const trainTokens = probe.tokens("train");
      if (rawPath === `${work}/default.bin`) {
        // The raw anchor holds exactly the store's train tokens.
        for await (const all of probe.iterate("train", trainTokens - 1)) {
          await Deno.writeFile(rawPath, new Uint8Array(Uint16Array.from(all).buffer));
        }
      }
      const cache = cacheBytes || Math.round(trainTokens * 2 / 10);
      const store = await openStore(storeDir, { cacheBytes: cache });
      const file = await Deno.open(rawPath);
      const check = [
        await store.batch("train", 4, context, seeded(99)),
        rawBatch(file, trainTokens, 4, context, seeded(99)),
      ];
      if (check[0].some((value, i) => value !== check[1][i])) {
        throw new Error(`${label}: store and raw windows differ`);
      }
      const ours = await timed(repeats, async () => {
        const rng = seeded(1);
        for (let b = 0; b < batches; b++) await store.batch("train", batchSize, context, rng);
      });
      const raw = await timed(repeats, () => {
        const rng = seeded(1);
        for (let b = 0; b < batches; b++) rawBatch(file, trainTokens, batchSize, context, rng);
        return Promise.resolve();
      });
      file.close();
      const stats = store.cacheStats();
      log(
        `  ${label} (${(trainTokens / 1e6).toFixed(1)}M tokens, cache ${
          (cache / 1e6).toFixed(0)
        } MB, ${(100 * stats.misses / (stats.hits + stats.misses)).toFixed(1)}% misses)`,
      );
      log(`    store     ${(ours / batches * 1000).toFixed(3)} ms per batch`);
      log(
        `    raw .bin  ${(raw / batches * 1000).toFixed(3)} ms per batch (anchor)  ratio ${
          (ours / raw).toFixed(2)
        }x ${cacheBytes ? "(target <= 2)" : "(no target: the cache holds a tenth of the store)"}`,
      );
      const key = cacheBytes ? "default" : "big";
      Object.assign(figures, {
        [`batch_${key}_store_ms`]: ours / batches * 1000,
        [`batch_${key}_raw_ms`]: raw / batches * 1000,
        [`batch_${key}_ratio`]: ours / raw,
      });
    }
    Object.assign(figures, await sharded());
    Object.assign(figures, await mergedBatchFigures(work, documents, eotId, repeats, log));
    if (json) console.log(JSON.stringify(figures, null, 2));
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}

/**
 * (4) Batches across merged stores: the corpus's documents written as 4 stores (quarters, in order)
 * and read as one (`openStore` of the list, as of a `--merge` manifest), against one store of the
 * same documents; `batches` random batches of 64 x 257 each, the same cache budget in all.
 * Target: the merged stores within 1.2x of the one store.
 */
export async function mergedBatchFigures(
  work: string,
  documents: Encoded[],
  eotId: number,
  repeats: number,
  log: (line: string) => void,
  batches = 1000,
): Promise<Record<string, number>> {
  const [batchSize, context, parts] = [64, 256, 4];
  const quarter = Math.ceil(documents.length / parts);
  const paths: string[] = [];
  for (let part = 0; part < parts; part++) {
    const path = `${work}/merged/part-${part}/tokens.zarr`;
    await writeStore(path, documents.slice(part * quarter, (part + 1) * quarter), 1, eotId);
    paths.push(path);
  }
  await writeStore(`${work}/merged/whole/tokens.zarr`, documents, 1, eotId);
  const merged = await openStore(paths);
  const whole = await openStore(`${work}/merged/whole`);
  if (merged.tokens("train") !== whole.tokens("train")) {
    throw new Error("the merged stores and the one store hold different tokens");
  }
  const perBatch = async (store: typeof whole) => {
    await store.batch("train", batchSize, context, seeded(2)); // warm: caches and compiled code
    return await timed(repeats, async () => {
      const rng = seeded(1);
      for (let b = 0; b < batches; b++) await store.batch("train", batchSize, context, rng);
    }) / batches * 1000;
  };
  const oneMs = await perBatch(whole);
  const mergedMs = await perBatch(merged);
  log(
    `\n(5) ${batches} random batches of ${batchSize} x ${context + 1} tokens across ${parts} ` +
      `merged stores (${(merged.tokens("train") / 1e6).toFixed(1)}M train tokens in all)`,
  );
  log(`    one store   ${oneMs.toFixed(3)} ms per batch (anchor)`);
  log(
    `    ${parts} merged    ${mergedMs.toFixed(3)} ms per batch  ratio ${
      (mergedMs / oneMs).toFixed(2)
    }x (target <= 1.2)`,
  );
  return {
    batch_merged_ms: mergedMs,
    batch_one_store_ms: oneMs,
    batch_merged_ratio: mergedMs / oneMs,
  };
}

/** `texts`, `copies` times, as 100 JSONL files per copy in `dir` (`copyC-F.jsonl`). */
async function writeJsonlCopies(dir: string, texts: string[], copies: number): Promise<string> {
  await Deno.mkdir(dir);
  for (let copy = 0; copy < copies; copy++) {
    for (let file = 0; file < 100; file++) {
      const lines = texts.slice(file * texts.length / 100, (file + 1) * texts.length / 100)
        .map((text) => JSON.stringify({ text }));
      await Deno.writeTextFile(`${dir}/copy${copy}-${file}.jsonl`, lines.join("\n"));
    }
  }
  return dir;
}

/** Runs `deno task tokenize ARGS --json` as a process; its summary. */
async function tokenizeProcess(args: string[]): Promise<TokenizeSummary> {
  const root = new URL("..", import.meta.url);
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "tasks/tokenize.ts", ...args, "--json"],
    cwd: root,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) throw new Error(new TextDecoder().decode(output.stderr));
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

/** (4): two shards at once as two processes vs one unsharded process, on the JSONL copies. */
async function shardedRuns(
  work: string,
  tokenizerPath: string,
  jsonlDir: string,
  copies: number,
  repeats: number,
  log: (line: string) => void,
): Promise<Record<string, number>> {
  log(
    `\n(4) tokenize --shard 0/2 and 1/2 at once (2 processes, 1 worker each) vs one unsharded run (2 workers), ${copies} copies of the corpus as ${
      copies * 100
    } JSONL files`,
  );
  const common = ["--input", jsonlDir, "--tokenizer", tokenizerPath, "--overwrite"];
  let summaries: TokenizeSummary[] = [];
  let whole: TokenizeSummary | undefined;
  const one = await timed(repeats, async () => {
    whole = await tokenizeProcess([...common, "--workers", "2", "--out", `${work}/unsharded`]);
  });
  const two = await timed(repeats, async () => {
    summaries = await Promise.all([0, 1].map((index) =>
      tokenizeProcess([
        ...common,
        "--workers",
        "1",
        "--shard",
        `${index}/2`,
        "--out",
        `${work}/shard-${index}`,
      ])
    ));
  });
  const tokens = summaries.map((s) => s.splits.train.tokens + s.splits.val.tokens);
  const total = tokens.reduce((sum, t) => sum + t, 0);
  const wholeTokens = whole!.splits.train.tokens + whole!.splits.val.tokens;
  if (total !== wholeTokens) {
    throw new Error(`shards hold ${total} tokens, unsharded ${wholeTokens}`);
  }
  const balance = Math.max(...tokens) / (total / tokens.length);
  log(`  unsharded, 1 process   ${one.toFixed(2)} s  (anchor)`);
  log(
    `  2 shards, 2 processes  ${two.toFixed(2)} s  ratio ${
      (two / one).toFixed(2)
    }x of the anchor's time`,
  );
  log(
    `  balance: ${
      tokens.map((t) => `${(t / 1e6).toFixed(2)}M`).join(" + ")
    } tokens, largest over mean ${balance.toFixed(4)} (target <= 1.05)`,
  );
  return {
    sharded_unsharded_seconds: one,
    sharded_two_seconds: two,
    sharded_ratio: two / one,
    sharded_balance: balance,
  };
}

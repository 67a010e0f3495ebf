/**
 * The PyTorch anchor of `deno task bench train` (issue 11, "Speed" 1): the same job as `deno task train` run by
 * `bench/pytorch/reference_gpt.py` (the toolkit's model, AdamW, schedule and sampling in PyTorch) on the same
 * token store, with 1 and with 2 threads; the faster run is the anchor.
 *
 * PyTorch is Debian's `python3-torch` 1.13 (CPU), run as `/usr/bin/python3`. Its matmuls go to OpenBLAS
 * 0.3.21's pthread build (libtorch_cpu links libblas.so.3, the alternative that points at openblas-pthread;
 * `torch.__config__.show()` says BLAS_INFO=generic): see bench/pytorch/blas.py, and the `blas` line each run
 * reports. `OPENBLAS_CORETYPE` and `OPENBLAS_L2_SIZE`, set on this machine, select OpenBLAS's older Haswell
 * kernel: they are removed for the child process only, so it runs the processor's own kernel.
 *
 * Where the time goes with 2 threads: torch's OpenMP pool and OpenBLAS's pthread pool both spin while they
 * wait. On the 2 cores with other work running (load ≈ 6, December 2026) 2 threads took 375 s for the job
 * against 54 s for 1 (40 steps: 57.5 s against 5.6 s; 8.0 s with OMP_WAIT_POLICY=PASSIVE): taking the
 * faster run keeps such a run from becoming the anchor, but costs its minutes.
 *
 * By hand: `deno run -A bench/train_pytorch.ts --data /tmp/owt2k [--steps 300] [--threads 1,2]`.
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import { openStore, type Split, type TokenStore } from "../pipeline/mod.ts";

/** The job: the toolkit's training flags (model/train_plan.ts names), all required. */
export interface PytorchJob {
  layers: number;
  modelD: number;
  heads: number;
  ctx: number;
  batch: number;
  steps: number;
  /** Peak learning rate. */
  lr: number;
  /** Learning rate at the end of the cosine (`--end-lr`). */
  endLr: number;
  warmup: number;
  weightDecay: number;
  clip: number;
  seed: number;
}

/** Options of `pytorchAnchor`: the job, the store, and how to run Python. */
export interface PytorchAnchorOptions extends PytorchJob {
  /** The token store (an open `TokenStore`, or its folder). */
  data: TokenStore | string;
  /** Thread counts to try (default [1, 2]); the fastest is the anchor. */
  threads?: number[];
  /** The interpreter (default `/usr/bin/python3`: Debian's, which has torch, not the first on PATH). */
  python?: string;
  /** Lines for the user: each run's figures, or why there is no anchor (default: stderr). */
  log?: (line: string) => void;
}

/** One run of the reference: its training wall time, final val loss (whole split) and threads. */
export interface PytorchRun {
  /** Wall seconds of the training steps (loading and the final eval excluded). */
  seconds: number;
  /** Mean cross-entropy (nats) over the whole val split after the last step. */
  valLoss: number;
  /** torch (and OpenBLAS) threads. */
  threads: number;
  /** Training tokens per second. */
  tokensPerSecond: number;
  /** The BLAS library, its kernel and threads, as the run reports it. */
  blas: string;
}

/** The anchor: the fastest run, and every run. */
export interface PytorchAnchor extends PytorchRun {
  runs: PytorchRun[];
}

const REFERENCE = new URL("./pytorch/reference_gpt.py", import.meta.url).pathname;
const DEFAULT_PYTHON = "/usr/bin/python3";
/** Variables that select an older, slower OpenBLAS kernel here (see the module comment). */
const REMOVED_VARIABLES = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"];

/**
 * Runs the PyTorch reference of `job` on `options.data` with each thread count and returns the fastest run
 * (every run in `runs`, each also logged). Returns null, after logging one line saying why, when the
 * interpreter cannot import torch.
 *
 * @example
 * ```ts ignore
 * const anchor = await pytorchAnchor({
 *   data: "/tmp/owt2k", layers: 2, modelD: 128, heads: 4, ctx: 64, batch: 16, steps: 300,
 *   lr: 1e-3, endLr: 1e-5, warmup: 30, weightDecay: 0.01, clip: 1, seed: 0,
 * });
 * if (anchor) console.log(`PyTorch: ${anchor.seconds.toFixed(1)} s, val loss ${anchor.valLoss}`);
 * ```
 */
export async function pytorchAnchor(options: PytorchAnchorOptions): Promise<PytorchAnchor | null> {
  const log = options.log ?? ((line: string) => console.error(line));
  const python = options.python ?? DEFAULT_PYTHON;
  const missing = await torchMissing(python);
  if (missing) {
    log(`PyTorch anchor skipped: ${missing}`);
    return null;
  }
  const shards = typeof options.data === "string" ? await openStore(options.data) : options.data;
  const folder = await Deno.makeTempDir({ prefix: "pytorch-anchor-" });
  try {
    const streams = await exportSplits(shards, folder);
    const runs: PytorchRun[] = [];
    for (const threads of options.threads ?? [1, 2]) {
      const run = await runReference(python, referenceArgs(options, streams, shards, threads));
      log(
        `PyTorch, ${threads} thread${threads === 1 ? "" : "s"}: ${run.seconds.toFixed(1)} s, ` +
          `${Math.round(run.tokensPerSecond)} tokens/s, val loss ${
            run.valLoss.toFixed(4)
          } (${run.blas})`,
      );
      runs.push(run);
    }
    const fastest = runs.reduce((best, run) => run.seconds < best.seconds ? run : best);
    return { ...fastest, runs };
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
}

/** The raw token streams `exportSplits` wrote. */
export interface ExportedSplits {
  /** Path of each split's `.bin`: its tokens in order, raw little-endian. */
  train: string;
  val: string;
  /** Element type of both files: the store's own. */
  dtype: "uint16" | "uint32";
}

/**
 * Writes the train and val tokens of `shards` to `folder/train.bin` and `folder/val.bin`, raw little-endian in
 * the store's dtype (uint16 up to 65,536 ids, else uint32), as numpy's `fromfile` reads them. Each split is
 * read as one window of all its tokens (`TokenStore.iterate` with a context of tokens − 1), so it is held in
 * memory once (4 bytes a token): meant for benchmark-sized stores.
 */
export async function exportSplits(shards: TokenStore, folder: string): Promise<ExportedSplits> {
  const dtype = shards.vocabSize <= 65536 ? "uint16" : "uint32";
  const paths = { train: join(folder, "train.bin"), val: join(folder, "val.bin") };
  for (const split of ["train", "val"] as Split[]) {
    const tokens = await wholeSplit(shards, split);
    const narrowed = dtype === "uint16" ? new Uint16Array(tokens) : new Uint32Array(tokens);
    await Deno.writeFile(paths[split], littleEndianBytes(narrowed));
  }
  return { ...paths, dtype };
}

async function wholeSplit(shards: TokenStore, split: Split): Promise<Int32Array> {
  const length = shards.tokens(split);
  if (length < 2) throw new Error(`${shards.path}: the ${split} split has ${length} tokens`);
  for await (const window of shards.iterate(split, length - 1)) return window;
  throw new Error(`${shards.path}: the ${split} split yielded no tokens`);
}

function littleEndianBytes(values: Uint16Array | Uint32Array): Uint8Array {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (new Uint8Array(Uint16Array.of(1).buffer)[0] === 1) return bytes; // the platform is little-endian
  const swapped = new Uint8Array(bytes.length);
  const width = values.BYTES_PER_ELEMENT;
  for (let i = 0; i < bytes.length; i++) {
    swapped[i] = bytes[i - (i % width) + width - 1 - (i % width)];
  }
  return swapped;
}

function referenceArgs(
  job: PytorchJob,
  streams: ExportedSplits,
  shards: TokenStore,
  threads: number,
): string[] {
  const flags: Record<string, string | number> = {
    train: streams.train,
    val: streams.val,
    dtype: streams.dtype,
    layers: job.layers,
    "model-d": job.modelD,
    heads: job.heads,
    ctx: job.ctx,
    batch: job.batch,
    steps: job.steps,
    lr: job.lr,
    "min-lr": job.endLr,
    warmup: job.warmup,
    "weight-decay": job.weightDecay,
    clip: job.clip,
    vocab: shards.vocabSize,
    threads,
    seed: job.seed,
  };
  return [
    REFERENCE,
    ...Object.entries(flags).flatMap(([flag, value]) => [`--${flag}`, `${value}`]),
  ];
}

/** The environment of the Python child: this process's, less the variables that pick the slow kernel. */
function pythonEnvironment(): Record<string, string> {
  const environment = Deno.env.toObject();
  for (const name of REMOVED_VARIABLES) delete environment[name];
  return environment;
}

/** Why `python` cannot run the reference (one line), or null when `import torch, numpy` works. */
async function torchMissing(python: string): Promise<string | null> {
  try {
    const { success, stderr } = await new Deno.Command(python, {
      args: ["-c", "import torch, numpy"],
      env: pythonEnvironment(),
      clearEnv: true,
      stdout: "null",
      stderr: "piped",
    }).output();
    if (success) return null;
    const lines = new TextDecoder().decode(stderr).trim().split("\n");
    return `${python} -c "import torch" failed: ${lines.at(-1)} (apt-get install python3-torch)`;
  } catch (error) {
    return `${python} could not run: ${(error as Error).message.split("\n")[0]}`;
  }
}

async function runReference(python: string, args: string[]): Promise<PytorchRun> {
  const { success, stdout, stderr } = await new Deno.Command(python, {
    args,
    env: pythonEnvironment(),
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  if (!success) {
    throw new Error(`${REFERENCE} failed:\n${text.decode(stderr).trim()}`);
  }
  const result = JSON.parse(text.decode(stdout).trim().split("\n").at(-1)!);
  return {
    seconds: result.seconds,
    valLoss: result.val_loss,
    threads: result.threads,
    tokensPerSecond: result.tokens_per_second,
    blas: result.blas,
  };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      data: { type: "string", default: "data/default" },
      steps: { type: "string", default: "300" },
      threads: { type: "string", default: "1,2" },
      seed: { type: "string", default: "0" },
    },
  });
  const anchor = await pytorchAnchor({
    data: values.data,
    layers: 2,
    modelD: 128,
    heads: 4,
    ctx: 64,
    batch: 16,
    steps: Number(values.steps),
    lr: 1e-3,
    endLr: 1e-5,
    warmup: 30,
    weightDecay: 0.01,
    clip: 1,
    seed: Number(values.seed),
    threads: values.threads.split(",").map(Number),
    log: (line) => console.log(line),
  });
  if (anchor) {
    console.log(
      `anchor: ${anchor.threads} thread(s), ${anchor.seconds.toFixed(1)} s, val loss ${
        anchor.valLoss.toFixed(4)
      }`,
    );
  }
}

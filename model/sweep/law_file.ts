import { UserError } from "../../core/user_error.ts";
import { writeFileAtomic } from "../../core/atomic_file.ts";
import type { Approach2Fit, Approach3Fit } from "../../scaling/fit/mod.ts";
import type { TokenStore } from "../../pipeline/mod.ts";

/** The store a law was measured on: its units are nats per token of this tokenizer. */
export interface LawStore {
  /** The store's path when the sweep ran (for output only). */
  path: string;
  /** sha256 of the tokenizer.json the store was encoded with: the law's units. */
  tokenizerSha256: string;
  /** Its vocabulary. */
  vocab: number;
  /** Train tokens. */
  trainTokens: number;
  /** Val tokens (the final losses are over all of them). */
  valTokens: number;
  /** UTF-8 bytes of the val documents, for bits per byte. */
  valBytes: number;
}

/** One finished run of the sweep, as the law records it. */
export interface LawRun {
  /** Its folder under the sweep's runs/. */
  name: string;
  /** The IsoFLOP budget it belongs to. */
  budget: number;
  layers: number;
  modelD: number;
  heads: number;
  /** All parameters (the N of the fits). */
  params: number;
  /** Without the tied embedding. */
  nonEmbeddingParams: number;
  /** Training tokens D. */
  tokens: number;
  /** 6·N·D. */
  flops: number;
  /** Final loss over the whole val split, nats per token. */
  valLoss: number;
}

/** What `deno task sweep` writes to law.json and `size --law` / `train --law` read. */
export interface MeasuredLaw {
  /** The command that made it. */
  command: string;
  /** When the fit was made (ISO 8601). */
  created: string;
  /** The FLOP count of budgets and fits. */
  flopCount: string;
  /** The store, and so the units. */
  store: LawStore;
  /** The runs fitted. */
  runs: LawRun[];
  /** Approach 3, N = all parameters: the law `size` and `train` use. */
  approach3: Approach3Fit;
  /** Approach 3 with N = non-embedding parameters, for comparison (Pearce & Song 2024). */
  approach3NonEmbedding: Approach3Fit;
  /** Approach 2, N = all parameters; null when fewer than 2 budgets had a minimum. */
  approach2: Approach2Fit | null;
  /** Approach 2, N = non-embedding parameters (null as above). */
  approach2NonEmbedding: Approach2Fit | null;
  /** Why Approach 2 could not be fitted (null when it was). */
  approach2Failure: string | null;
}

/** The file's format tag and version: a file without them is not a law. */
const FORMAT = "microgpt-scaling-law";
const VERSION = 1;

/** Writes `law` to `path` (snake_case keys, atomically). */
export async function writeLaw(path: string, law: MeasuredLaw): Promise<void> {
  // A bootstrap refit can overflow (A = ∞ at α ≈ 70): JSON has no ∞, and such a sample predicts
  // nothing, so it is left out of the file (the intervals were computed with it).
  const finite = <T extends { samples: number[][] } | null>(fit: T): T =>
    fit && { ...fit, samples: fit.samples.filter((sample) => sample.every(Number.isFinite)) };
  const clean = {
    ...law,
    approach3: finite(law.approach3),
    approach3NonEmbedding: finite(law.approach3NonEmbedding),
    approach2: finite(law.approach2),
    approach2NonEmbedding: finite(law.approach2NonEmbedding),
  };
  const json = { format: FORMAT, version: VERSION, ...toSnake(clean) as object };
  await writeFileAtomic(path, new TextEncoder().encode(JSON.stringify(json, null, 1) + "\n"));
}

/**
 * Reads a law file, checking what `size` and `train` rely on; a `UserError` naming the file and
 * the first thing wrong otherwise (not JSON, not a law, a missing or non-finite constant).
 */
export async function readLaw(path: string): Promise<MeasuredLaw> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new UserError(`--law ${path}: no such file`);
    throw error;
  }
  return parseLaw(text, path);
}

/** `readLaw` on text already read (`source` names it in errors). */
export function parseLaw(text: string, source: string): MeasuredLaw {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UserError(
      `${source}: not JSON (${(error as Error).message}); re-run deno task sweep`,
    );
  }
  if (json?.format !== FORMAT) {
    throw new UserError(`${source}: not a law file of deno task sweep (no "format": "${FORMAT}")`);
  }
  if (json.version !== VERSION) {
    throw new UserError(
      `${source}: law format version ${json.version}; this toolkit reads ${VERSION}`,
    );
  }
  const { format: _format, version: _version, ...fields } = json;
  const law = fromSnake(fields) as MeasuredLaw;
  const fail = (what: string) => {
    throw new UserError(`${source}: ${what}; the file is damaged, re-run deno task sweep`);
  };
  for (const key of ["approach3", "approach3NonEmbedding"] as const) {
    const fit = law[key];
    for (const constant of ["E", "A", "B", "alpha", "beta"] as const) {
      if (!Number.isFinite(fit?.[constant]?.value)) {
        fail(`${snake(key)}.${constant} is not a number`);
      }
    }
    if (!Array.isArray(fit.samples) || fit.samples.some((s) => !isFiniteTuple(s, 5))) {
      fail(`${snake(key)}.samples is not a list of [E, A, B, alpha, beta]`);
    }
  }
  const store = law.store;
  if (typeof store?.tokenizerSha256 !== "string" || !Number.isInteger(store.vocab)) {
    fail("store.tokenizer_sha256 or store.vocab is missing");
  }
  for (const field of ["trainTokens", "valTokens", "valBytes"] as const) {
    if (!(store[field] > 0)) fail(`store.${snake(field)} is not a positive number`);
  }
  if (!Array.isArray(law.runs) || law.runs.length < 6) {
    fail("runs is not a list of the runs fitted");
  }
  return law;
}

function isFiniteTuple(value: unknown, length: number): boolean {
  return Array.isArray(value) && value.length === length && value.every(Number.isFinite);
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c, i) => (i === 0 ? c : `_${c.toLowerCase()}`))
    .replace(/^_/, "");
}

// Constants keep their paper's spelling (E, A, B); camelCase fields become snake_case in the file.
const KEEP = new Set(["E", "A", "B"]);

function toSnake(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toSnake);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [KEEP.has(key) ? key : snake(key), toSnake(inner)]),
  );
}

function fromSnake(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromSnake);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map((
      [key, inner],
    ) => [key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()), fromSnake(inner)]),
  );
}

/** The store facts a law records: its tokenizer (the units), token and byte counts. */
export function lawStoreOf(store: TokenStore): LawStore {
  const tokenizerSha256 = store.attributes.tokenizer_sha256 ??
    store.stores?.[0]?.attributes.tokenizer_sha256;
  if (typeof tokenizerSha256 !== "string") {
    throw new UserError(
      `${store.path}: the store records no tokenizer_sha256; re-run deno task tokenize`,
    );
  }
  return {
    path: store.path,
    tokenizerSha256,
    vocab: store.vocabSize,
    trainTokens: store.tokens("train"),
    valTokens: store.tokens("val"),
    valBytes: store.bytes("val"),
  };
}

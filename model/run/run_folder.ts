import { Tokenizer, type TokenStore } from "../../pipeline/mod.ts";
import { sha256Hex } from "../../core/sha256.ts";
import { UserError } from "../../core/user_error.ts";
import { writeFileAtomic } from "../../core/atomic_file.ts";
import {
  type CheckpointInfo,
  listCheckpoints,
  loadParams,
  readCheckpointInfo,
  resolveCheckpoint,
} from "./checkpoint.ts";
import type { GptConfig } from "../gpt/config.ts";
import { gptConfigFromJson } from "./run_json.ts";
import { type GptModel, microGpt } from "../gpt/gpt.ts";

/** The name of the tokenizer file in a token store's folder and in a run folder. */
export const TOKENIZER_FILE = "tokenizer.json";

/** A token store's tokenizer file, as a run reads it: where it is, its bytes and their sha256. */
export interface TokenizerFile {
  path: string;
  bytes: Uint8Array;
  sha256: string;
}

/**
 * The tokenizer a store was encoded with: `tokenizer.json` beside `tokens.zarr` (the store folder given to
 * `--data`, or the parent of a `.zarr` path). Its sha256 must match the store's `tokenizer_sha256` attribute.
 */
export async function storeTokenizerFile(shards: TokenStore): Promise<TokenizerFile> {
  const base = shards.path.replace(/\/+$/, "");
  const candidates = [`${base}/${TOKENIZER_FILE}`];
  if (/\.zarr$/.test(base)) candidates.unshift(`${parentOf(base)}/${TOKENIZER_FILE}`);
  for (const path of candidates) {
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(path);
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue;
      throw error;
    }
    const sha256 = await sha256Hex(bytes);
    const expected = shards.attributes.tokenizer_sha256;
    if (typeof expected === "string" && expected !== sha256) {
      throw new UserError(
        `${path}: sha256 ${
          sha256.slice(0, 12)
        }… is not the tokenizer ${shards.path} was encoded with ` +
          `(${expected.slice(0, 12)}…); re-run deno task tokenize`,
      );
    }
    return { path, bytes, sha256 };
  }
  // Stores named by a list or a glob share one tokenizer (openStore checks): the first one's.
  if (shards.stores?.length) return await storeTokenizerFile(shards.stores[0]);
  throw new UserError(
    `${shards.path}: no ${TOKENIZER_FILE} beside the store; re-run deno task tokenize`,
  );
}

/**
 * Refuses a store encoded with another tokenizer (compared by sha256) than the one `checkpoint` was trained
 * with: its token ids would mean other strings.
 */
export function requireTrainedTokenizer(
  tokenizer: TokenizerFile,
  storePath: string,
  checkpoint: string,
  info: CheckpointInfo,
): void {
  if (tokenizer.sha256 === info.tokenizer_sha256) return;
  throw new UserError(
    `${storePath}: encoded with another tokenizer (sha256 ${
      tokenizer.sha256.slice(0, 12)
    }…) than ` +
      `${checkpoint} was trained with (${
        info.tokenizer_sha256.slice(0, 12)
      }…); pass the run's store ` +
      `with --data`,
  );
}

/**
 * Makes `runDir` ready: a new run needs a folder that does not exist or holds no checkpoint (else a
 * `UserError` pointing at `--resume`); the store's tokenizer is copied in, so `generate` can decode.
 */
export async function prepareRunFolder(
  runDir: string,
  tokenizer: TokenizerFile,
  resuming: boolean,
): Promise<void> {
  if (!resuming && (await listCheckpoints(runDir)).length) {
    throw new UserError(
      `--out ${runDir}: already holds a run; continue it with --resume ${runDir} or choose another --out`,
    );
  }
  await Deno.mkdir(runDir, { recursive: true });
  const copy = `${runDir}/${TOKENIZER_FILE}`;
  const existing = await Deno.readFile(copy).catch(() => null);
  if (existing && (await sha256Hex(existing)) !== tokenizer.sha256) {
    throw new UserError(`${copy}: differs from the store's tokenizer ${tokenizer.path}`);
  }
  if (!existing) await writeFileAtomic(copy, tokenizer.bytes);
}

/** A trained model restored from a run folder or a checkpoint file. */
export interface LoadedRun {
  /** The model with the checkpoint's parameters (the caller disposes it). */
  model: GptModel;
  /** The run's copy of the store's tokenizer. */
  tokenizer: Tokenizer;
  /** Steps the model was trained for. */
  step: number;
  /** The model's config. */
  config: GptConfig;
  /** The run folder. */
  runDir: string;
  /** The checkpoint's JSON path, and its content. */
  checkpoint: string;
  /** The checkpoint's JSON. */
  info: CheckpointInfo;
}

/**
 * Loads a run's newest checkpoint (or the checkpoint `path` points at: its JSON or either safetensors file)
 * into a fresh model, with the tokenizer copied into the run folder.
 *
 * @example
 * ```ts
 * import { tokenizeCorpus } from "../../pipeline/mod.ts";
 * import { initBackend } from "../backend/mod.ts";
 * import { train } from "../train/mod.ts";
 * await initBackend("cpu");
 * const dir = await Deno.makeTempDir();
 * // A store of a small text (`deno task tokenize` makes one of a real corpus).
 * const lines = Array.from({ length: 80 }, (_, i) => `${i}: the cat sat on the mat ${i % 7} times.`);
 * await Deno.writeTextFile(`${dir}/cat.txt`, lines.join("\n"));
 * const text = { inputs: [`${dir}/cat.txt`], splitLines: true, vocabSize: 260, valFraction: 0.2 };
 * await tokenizeCorpus({ ...text, outDir: `${dir}/data` });
 * const tiny = { layers: 1, modelD: 16, heads: 2, ctx: 8, batch: 2, steps: 1 };
 * await train({ data: `${dir}/data`, out: `${dir}/run`, ...tiny, log: () => {} });
 *
 * const { model, tokenizer, step } = await loadRun(`${dir}/run`); // or one checkpoint's file
 * console.log(step, tokenizer.vocabSize, model.config.modelD); // 1 260 16
 * model.dispose();
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function loadRun(path: string): Promise<LoadedRun> {
  const checkpoint = await resolveCheckpoint(path);
  const info = await readCheckpointInfo(checkpoint);
  // checkpoints live in RUN/checkpoints/: the run folder is two levels up from the JSON.
  const runDir = parentOf(parentOf(checkpoint));
  const tokenizer = await Tokenizer.load(`${runDir}/${TOKENIZER_FILE}`);
  const config = gptConfigFromJson(info.config, checkpoint);
  if (tokenizer.vocabSize !== config.vocab) {
    throw new UserError(
      `${runDir}/${TOKENIZER_FILE}: ${tokenizer.vocabSize} tokens, but ${checkpoint} has vocab ${config.vocab}`,
    );
  }
  const model = microGpt(config);
  try {
    await loadParams(checkpoint, info, model);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { model, tokenizer, step: info.step, config, runDir, checkpoint, info };
}

function parentOf(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  const slash = trimmed.lastIndexOf("/");
  return slash < 0 ? "." : slash === 0 ? "/" : trimmed.slice(0, slash);
}

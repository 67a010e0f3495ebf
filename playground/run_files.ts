/**
 * What the playground serves of a run folder, checked once when the server starts: the newest
 * checkpoint's JSON and parameters (decoded, so a corrupt file is a one-line error before any page
 * loads), the run's `tokenizer.json` (its vocabulary must match the checkpoint) and `metrics.jsonl`.
 *
 * @module
 */
import { Tokenizer } from "../pipeline/bpe/tokenizer.ts";
import { UserError } from "../core/user_error.ts";
import {
  type CheckpointInfo,
  listCheckpoints,
  readCheckpointInfo,
  resolveCheckpoint,
} from "../model/run/checkpoint.ts";
import { readSafetensors } from "../model/run/safetensors.ts";
import { TOKENIZER_FILE } from "../model/run/run_folder.ts";
import { parameterCount } from "../model/gpt/config.ts";
import { gptConfigFromJson } from "../model/run/run_json.ts";

/** The files of one run the playground may serve, and the facts the page shows about it. */
export interface PlaygroundRun {
  /** The run folder, as given (or found under `runs/`). */
  runDir: string;
  /** The newest checkpoint's JSON file. */
  checkpoint: string;
  /** Its content (checked by `readCheckpointInfo`). */
  info: CheckpointInfo;
  /** The checkpoint's parameters file (decoded once at start). */
  paramsFile: string;
  /** The run's tokenizer.json. */
  tokenizerFile: string;
  /** The run's metrics.jsonl (it may not exist yet). */
  metricsFile: string;
  /** Parameters of the model (embedding included). */
  parameterCount: number;
}

/**
 * Checks a run folder for the playground: it has a checkpoint whose parameters decode and whose
 * vocabulary is the tokenizer's. Anything wrong is a `UserError` naming the file.
 *
 * @example
 * ```ts
 * import { openPlaygroundRun } from "./run_files.ts";
 * const empty = await Deno.makeTempDir();
 * await openPlaygroundRun(empty).catch((error) => console.error(error.message)); // no checkpoint in …
 * await Deno.remove(empty);
 * ```
 */
export async function openPlaygroundRun(runDir: string): Promise<PlaygroundRun> {
  const stat = await Deno.stat(runDir).catch(() => null);
  if (!stat?.isDirectory) throw new UserError(`--run ${runDir}: no such run folder`);
  const checkpoint = await resolveCheckpoint(runDir);
  const info = await readCheckpointInfo(checkpoint);
  const paramsFile = `${checkpoint.slice(0, checkpoint.lastIndexOf("/"))}/${info.params_file}`;
  await readSafetensors(paramsFile); // a corrupt file fails here, naming itself
  const tokenizerFile = `${runDir}/${TOKENIZER_FILE}`;
  const tokenizer = await Tokenizer.load(tokenizerFile);
  const config = gptConfigFromJson(info.config, checkpoint);
  if (tokenizer.vocabSize !== config.vocab) {
    throw new UserError(
      `${tokenizerFile}: ${tokenizer.vocabSize} tokens, but ${checkpoint} has vocab ${config.vocab}`,
    );
  }
  return {
    runDir,
    checkpoint,
    info,
    paramsFile,
    tokenizerFile,
    metricsFile: `${runDir}/metrics.jsonl`,
    parameterCount: parameterCount(config),
  };
}

/**
 * The run under `runsDir` whose newest checkpoint is the most recently written; a `UserError`
 * saying how to make one when there is none.
 */
export async function newestRun(runsDir = "runs"): Promise<string> {
  let best: { dir: string; mtime: number } | null = null;
  try {
    for await (const entry of Deno.readDir(runsDir)) {
      if (!entry.isDirectory) continue;
      const dir = `${runsDir}/${entry.name}`;
      const checkpoints = await listCheckpoints(dir);
      if (!checkpoints.length) continue;
      const mtime = (await Deno.stat(checkpoints.at(-1)!.path)).mtime?.getTime() ?? 0;
      if (!best || mtime > best.mtime) best = { dir, mtime };
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  if (!best) {
    throw new UserError(
      `no trained run under ${runsDir}/: make one with deno task tokenize, then ` +
        `deno task train --data data/default --out ${runsDir}/NAME (or pass --run DIR)`,
    );
  }
  return best.dir;
}

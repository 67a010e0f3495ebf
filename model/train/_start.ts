import { openStore, type TokenStore } from "../../pipeline/mod.ts";
import { UserError } from "../../core/user_error.ts";
import { lockFolder } from "../../core/writer_lock.ts";
import { type CheckpointInfo, readCheckpointInfo, resolveCheckpoint } from "../run/checkpoint.ts";
import {
  prepareRunFolder,
  requireTrainedTokenizer,
  storeTokenizerFile,
  type TokenizerFile,
} from "../run/run_folder.ts";
import { trainPlanFromJson } from "../run/run_json.ts";
import { planTraining, resumePlan, type TrainPlan, type TrainRequest } from "./plan.ts";
import { chooseModelForStore } from "./size_choice.ts";

/** The default token store: what `deno task tokenize` writes with no flags. */
export const DEFAULT_DATA = "data/default";

/** Where a run starts: a new one from the request, or a resumed one from its newest checkpoint. */
export interface StartRequest extends TrainRequest {
  /** Run folder of a new run (default `runs/<timestamp>`). */
  out?: string;
  /** A run folder to continue from its newest checkpoint. */
  resume?: string;
  /** The token store, when already open; otherwise the one `data` names. */
  shards?: TokenStore;
}

/** A run ready to train: its settings, store, folder, tokenizer, and the checkpoint it resumes from. */
export interface RunStart {
  plan: TrainPlan;
  shards: TokenStore;
  runDir: string;
  /** The store's tokenizer (copied into the run folder). */
  tokenizer: TokenizerFile;
  /** The checkpoint a resumed run continues from (its JSON path and content), read once. */
  resumeFrom?: { path: string; info: CheckpointInfo };
  /** The run folder's writer lock (core/writer_lock.ts): held until the training ends. */
  lock: Disposable;
}

/**
 * Resolves the plan (a new run's from the request and the store; a resumed run's from its checkpoint, with
 * the request's changes logged), checks the store's vocabulary and tokenizer against it, and prepares the
 * run folder (the tokenizer copied in). Nothing is trained yet.
 */
export async function startRun(
  request: StartRequest,
  log: (line: string) => void,
): Promise<RunStart> {
  let plan: TrainPlan, shards: TokenStore, runDir: string;
  let resumeFrom: RunStart["resumeFrom"];
  // Released here if the start fails; handed to the caller (`move`) when it succeeds.
  using lock = new DisposableStack();
  if (request.resume !== undefined) {
    runDir = request.resume;
    lock.use(await lockFolder(runDir, { create: false })); // before the checkpoint is read
    const path = await resolveCheckpoint(runDir);
    const info = await readCheckpointInfo(path);
    resumeFrom = { path, info };
    const stored = trainPlanFromJson(info, path);
    shards = request.shards ?? await openStore(request.data ?? stored.data);
    const resumed = resumePlan(stored, request, shards.tokens("train"), path);
    plan = resumed.plan;
    for (const change of resumed.changes) log(`resume: ${change}`);
    if (request.out !== undefined && request.out !== request.resume) {
      throw new UserError(
        `--out ${request.out}: a resumed run writes into its own folder (${runDir})`,
      );
    }
  } else {
    shards = request.shards ?? await openStore(request.data ?? DEFAULT_DATA);
    plan = planTraining(
      { ...request, data: request.data ?? shards.path },
      { path: shards.path, vocabSize: shards.vocabSize, trainTokens: shards.tokens("train") },
      chooseModelForStore,
      log,
    );
    runDir = request.out ?? `runs/${new Date().toISOString().replace(/[:.]/g, "-").slice(0, 19)}`;
  }
  if (plan.config.vocab !== shards.vocabSize) {
    throw new UserError(
      `${shards.path}: its vocabulary (${shards.vocabSize}) differs from the model's (${plan.config.vocab})`,
    );
  }
  const tokenizer = await storeTokenizerFile(shards);
  if (resumeFrom) requireTrainedTokenizer(tokenizer, shards.path, resumeFrom.path, resumeFrom.info);
  if (resumeFrom === undefined) lock.use(await lockFolder(runDir)); // a new run, once planned
  await prepareRunFolder(runDir, tokenizer, resumeFrom !== undefined);
  return { plan, shards, runDir, tokenizer, resumeFrom, lock: lock.move() };
}

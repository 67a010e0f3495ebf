import * as tf from "@tensorflow/tfjs-core";
import { TOOLKIT_VERSION } from "../../core/version.ts";
import { UserError } from "../../core/user_error.ts";
import { parseBlockKind } from "../../core/block_kind.ts";
import type { GptModel } from "../gpt/gpt.ts";
import type { AdamW } from "../train/optimizer.ts";
import type { TrainPlanJson } from "./run_json.ts";
import { readSafetensors, type SafetensorsTensor, writeSafetensors } from "./safetensors.ts";
import { writeFileAtomic } from "../../core/atomic_file.ts";

/** Marks our checkpoint JSON files (and their layout version). */
export const CHECKPOINT_FORMAT = "microgpt-checkpoint/1";

/** The JSON written beside a checkpoint's two safetensors files (snake_case, as stored). */
export interface CheckpointInfo {
  /** `CHECKPOINT_FORMAT`. */
  format: typeof CHECKPOINT_FORMAT;
  /** Updates made: the parameters are those after `step` optimizer updates. */
  step: number;
  /** The model config (snake_case; see `run_json.ts`, as are `training` and `schedule`). */
  config: TrainPlanJson["config"];
  /** Everything else the run needs to continue exactly (see `TrainPlan`, stored in snake_case). */
  training: TrainPlanJson["training"];
  /** The learning-rate schedule (optax's parameter names). */
  schedule: TrainPlanJson["schedule"];
  /** AdamW's settings and its update count. */
  optimizer: {
    name: "adamw";
    count: number;
    b1: number;
    b2: number;
    eps: number;
    weight_decay: number;
  };
  /** State of the batch sampler's generator (`Random.state()`) after this step's batches. */
  random_state: number[];
  /** Training tokens read so far. */
  tokens_seen: number;
  /** sha256 of the tokenizer.json the run was trained with. */
  tokenizer_sha256: string;
  /** The toolkit version that wrote the checkpoint. */
  toolkit_version: string;
  /** File names, relative to the JSON's folder. */
  params_file: string;
  /** The moments' safetensors file. */
  optimizer_file: string;
  /** When the checkpoint was written (ISO 8601). */
  created_at: string;
}

/** The folder of a run's checkpoints. */
export function checkpointFolder(runDir: string): string {
  return `${runDir}/checkpoints`;
}

function baseName(step: number): string {
  return `step-${String(step).padStart(8, "0")}`;
}

/**
 * Saves parameters (`step-N.params.safetensors`), AdamW moments (`step-N.optimizer.safetensors`) and the info
 * JSON (`step-N.json`, with AdamW's settings and update count read from `optimizer`) into
 * `runDir/checkpoints/`, each atomically; the JSON goes last, so a checkpoint is complete exactly when its
 * JSON exists. Then deletes all but the newest `keep` checkpoints (0 = keep all).
 * Returns the JSON's path.
 */
export async function saveCheckpoint(
  runDir: string,
  state: {
    model: GptModel;
    optimizer: AdamW;
    info: Omit<
      CheckpointInfo,
      "format" | "optimizer" | "params_file" | "optimizer_file" | "created_at" | "toolkit_version"
    >;
  },
  keep = 0,
): Promise<string> {
  const folder = checkpointFolder(runDir);
  await Deno.mkdir(folder, { recursive: true });
  const base = baseName(state.info.step);
  const paramsFile = `${base}.params.safetensors`, optimizerFile = `${base}.optimizer.safetensors`;
  const metadata = { format: CHECKPOINT_FORMAT, step: String(state.info.step) };
  await writeSafetensors(
    `${folder}/${paramsFile}`,
    await readVariables(state.model.params),
    metadata,
  );
  const moments = new Map<string, tf.Variable>();
  for (const [name, variable] of state.optimizer.mu) moments.set(`mu.${name}`, variable);
  for (const [name, variable] of state.optimizer.nu) moments.set(`nu.${name}`, variable);
  await writeSafetensors(`${folder}/${optimizerFile}`, await readVariables(moments), metadata);
  const { optimizer } = state;
  const info: CheckpointInfo = {
    format: CHECKPOINT_FORMAT,
    ...state.info,
    optimizer: {
      name: "adamw",
      count: optimizer.count,
      b1: optimizer.b1,
      b2: optimizer.b2,
      eps: optimizer.eps,
      weight_decay: optimizer.weightDecay,
    },
    toolkit_version: TOOLKIT_VERSION,
    params_file: paramsFile,
    optimizer_file: optimizerFile,
    created_at: new Date().toISOString(),
  };
  const path = `${folder}/${base}.json`;
  await writeFileAtomic(path, JSON.stringify(info, null, 2) + "\n");
  if (keep > 0) {
    for (const old of (await listCheckpoints(runDir)).slice(0, -keep)) {
      await removeCheckpoint(old.path);
    }
  }
  return path;
}

/** The complete checkpoints of a run (those whose JSON exists), oldest first. */
export async function listCheckpoints(runDir: string): Promise<{ step: number; path: string }[]> {
  const folder = checkpointFolder(runDir);
  const found: { step: number; path: string }[] = [];
  try {
    for await (const entry of Deno.readDir(folder)) {
      const match = /^step-(\d+)\.json$/.exec(entry.name);
      if (match && entry.isFile) {
        found.push({ step: Number(match[1]), path: `${folder}/${entry.name}` });
      }
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return found.sort((a, b) => a.step - b.step);
}

/** The newest checkpoint's JSON path; a `UserError` if `runDir` has none. */
export async function latestCheckpoint(runDir: string): Promise<string> {
  const all = await listCheckpoints(runDir);
  if (!all.length) {
    const exists = await Deno.stat(runDir).then(() => true, () => false);
    throw new UserError(
      exists
        ? `${runDir}: no checkpoint in ${checkpointFolder(runDir)}`
        : `${runDir}: no such run folder`,
    );
  }
  return all[all.length - 1].path;
}

/**
 * Finds a checkpoint's JSON from what a user may point at: the JSON itself, either of its safetensors files, or a
 * run folder (its newest checkpoint).
 */
export async function resolveCheckpoint(path: string): Promise<string> {
  const stat = await Deno.stat(path).catch(() => null);
  if (!stat) throw new UserError(`${path}: no such file or folder`);
  if (stat.isDirectory) return latestCheckpoint(path);
  const match = /^(.*)\.(params|optimizer)\.safetensors$/.exec(path);
  return match ? `${match[1]}.json` : path;
}

/** Reads and checks a checkpoint's JSON; anything missing or malformed is a `UserError` naming the file. */
export async function readCheckpointInfo(path: string): Promise<CheckpointInfo> {
  let info: CheckpointInfo;
  try {
    info = JSON.parse(await Deno.readTextFile(path));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new UserError(`${path}: no such checkpoint`);
    throw new UserError(`${path}: not a checkpoint (${(error as Error).message})`);
  }
  if (info?.format !== CHECKPOINT_FORMAT) {
    throw new UserError(
      `${path}: not a checkpoint of this toolkit (format ${JSON.stringify(info?.format)})`,
    );
  }
  const c = info.config;
  const whole = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
  if (
    !c || ![c.layers, c.model_d, c.heads, c.vocab, c.ctx].every(whole) ||
    !Number.isInteger(info.step) ||
    !Array.isArray(info.random_state) || typeof info.params_file !== "string" ||
    typeof info.optimizer_file !== "string"
  ) {
    throw new UserError(`${path}: checkpoint JSON is missing or has bad fields`);
  }
  // Read under today's name (a checkpoint written before the rename says "seed").
  c.block = parseBlockKind(c.block, `${path}: config.block`);
  return info;
}

/**
 * Copies a checkpoint's parameters into `model`'s variables. Every parameter must be present with the model's
 * shape, and nothing else may be in the file: a checkpoint of another config is a `UserError` naming the
 * first tensor that differs.
 */
export async function loadParams(
  infoPath: string,
  info: CheckpointInfo,
  model: GptModel,
): Promise<void> {
  const file = siblingPath(infoPath, info.params_file);
  const { tensors } = await readSafetensors(file);
  assignTensors(file, tensors, model.params);
}

/** Restores AdamW's moments and update count from a checkpoint. */
export async function loadOptimizer(
  infoPath: string,
  info: CheckpointInfo,
  optimizer: AdamW,
): Promise<void> {
  const file = siblingPath(infoPath, info.optimizer_file);
  const { tensors } = await readSafetensors(file);
  const mu = new Map<string, SafetensorsTensor>(), nu = new Map<string, SafetensorsTensor>();
  for (const [name, tensor] of tensors) {
    if (name.startsWith("mu.")) mu.set(name.slice(3), tensor);
    else if (name.startsWith("nu.")) nu.set(name.slice(3), tensor);
    else throw new UserError(`${file}: unexpected tensor '${name}' (expected mu.* and nu.*)`);
  }
  assignTensors(file, mu, optimizer.mu, "mu.");
  assignTensors(file, nu, optimizer.nu, "nu.");
  optimizer.count = info.optimizer.count;
}

/**
 * Copies safetensors `tensors` into `variables` by name (free of Deno APIs: the playground page loads
 * a checkpoint with it). Every variable needs an F32 tensor of its shape, and nothing else may be
 * there; else a `UserError` naming `file` and the first tensor (with `prefix`) that differs, and no
 * variable is changed.
 */
export function assignTensors(
  file: string,
  tensors: Map<string, SafetensorsTensor>,
  variables: Map<string, tf.Variable>,
  prefix = "",
): void {
  for (const [name, variable] of variables) {
    const tensor = tensors.get(name);
    if (!tensor) {
      throw new UserError(
        `${file}: tensor '${prefix}${name}' is missing (checkpoint of another model?)`,
      );
    }
    if (tensor.dtype !== "F32" || tensor.shape.join() !== variable.shape.join()) {
      throw new UserError(
        `${file}: tensor '${prefix}${name}' is ${tensor.dtype} [${tensor.shape}] but the model's is F32 ` +
          `[${variable.shape}] (checkpoint of another config)`,
      );
    }
  }
  for (const name of tensors.keys()) {
    if (!variables.has(name)) {
      throw new UserError(`${file}: tensor '${prefix}${name}' is not in the model`);
    }
  }
  // Only assign once everything checked out, so a bad file leaves the model as it was.
  for (const [name, variable] of variables) {
    const tensor = tensors.get(name)!;
    tf.tidy(() => variable.assign(tf.tensor(tensor.data as Float32Array, tensor.shape, "float32")));
  }
}

async function readVariables(
  variables: Map<string, tf.Variable>,
): Promise<Map<string, SafetensorsTensor>> {
  const out = new Map<string, SafetensorsTensor>();
  for (const [name, variable] of variables) {
    // await data(), not dataSync(): WebGPU under Deno cannot read tensors synchronously.
    const data = await variable.data<"float32">();
    out.set(name, { dtype: "F32", shape: [...variable.shape], data });
  }
  return out;
}

function siblingPath(infoPath: string, file: string): string {
  const slash = infoPath.lastIndexOf("/");
  return slash < 0 ? file : `${infoPath.slice(0, slash)}/${file}`;
}

async function removeCheckpoint(jsonPath: string): Promise<void> {
  const info = await readCheckpointInfo(jsonPath).catch(() => null);
  // The JSON first: once it is gone the checkpoint no longer counts, even if a crash leaves its data behind.
  await Deno.remove(jsonPath);
  if (info) {
    for (const file of [info.params_file, info.optimizer_file]) {
      await Deno.remove(siblingPath(jsonPath, file)).catch(() => {});
    }
  }
}

import { UserError } from "../../core/user_error.ts";
import { openStore, type TokenStore } from "../../pipeline/mod.ts";
import type { TrainRequest } from "../train/mod.ts";
import { DEFAULT_DATA } from "../train/mod.ts";
import { lawStoreOf, type MeasuredLaw, readLaw } from "./law_file.ts";
import { DEFAULT_LAW_SOURCE, defaultLawFor } from "./default_law.ts";
import { checkLawStore, type LawPlan, planWithLaw } from "./law_plan.ts";
import { sweepTrainRequest } from "./run_request.ts";

/** The request's fields that change how many tokens a run trains on, or its schedule's length. */
const LENGTH_FLAGS = [
  ["steps", "--steps"],
  ["epochs", "--epochs"],
  ["batch", "--batch"],
  ["ctx", "--ctx"],
  ["decaySteps", "--decay-steps"],
] as const;

/** `--law` and `--flops` of `deno task train`. */
export interface LawTrainOptions {
  /** A law.json of `deno task sweep`. */
  lawPath?: string;
  /** A compute budget (C = 6ND); default: the store's train tokens, once. */
  flops?: number;
}

/** A request sized by a measured law, and what the law predicts of it. */
export interface LawTrainRequest {
  request: TrainRequest;
  plan: LawPlan;
  /** The store, already open: pass it to `train` as `shards` rather than opening it again. */
  shards: TokenStore;
}

/**
 * The training request a measured law makes of `request`: with `--law FILE` (or, for the default
 * corpus's store with no size flags, its committed law), the model the law picks for `--flops` (or
 * for the store's train tokens), trained as the sweep trained its runs (`sweepTrainRequest`); the
 * flags the user gave still win (the rates, evals, seed), but not size or length flags beside
 * `--law` or `--flops` (a one-line refusal). Null when no measured law applies: no `--law`, and not
 * the default store, or size or length flags given (the committed default gives way to them).
 */
export async function lawTrainRequest(
  request: TrainRequest,
  options: LawTrainOptions,
): Promise<LawTrainRequest | null> {
  const sized = request.preset !== undefined ||
    [request.layers, request.modelD, request.heads].some((value) => value !== undefined);
  if (options.lawPath !== undefined && sized) {
    throw new UserError(
      `--law picks the model: drop ${
        request.preset !== undefined ? "--preset" : "--layers/--model-d/--heads"
      }`,
    );
  }
  if (options.lawPath === undefined && sized) {
    if (options.flops !== undefined) {
      throw new UserError(
        "--flops sizes the model with a law: drop --preset/--layers/--model-d/--heads",
      );
    }
    return null;
  }
  // Flags that set the run's length: the law's prediction is for the length it plans.
  const lengthFlags = LENGTH_FLAGS.filter(([key]) => request[key] !== undefined);
  if (lengthFlags.length > 0) {
    // The committed default gives way to them (the run is then sized as without a law) …
    if (options.lawPath === undefined && options.flops === undefined) return null;
    // … a law or budget the user asked for does not.
    throw new UserError(
      `--law/--flops set the run's length from the budget: drop ${
        lengthFlags.map(([, flag]) => flag).join("/")
      }`,
    );
  }
  const shards = await openStore(request.data ?? DEFAULT_DATA);
  const store = lawStoreOf(shards);
  let law: MeasuredLaw | null, source: string;
  if (options.lawPath !== undefined) {
    law = await readLaw(options.lawPath);
    checkLawStore(law, store, options.lawPath);
    source = options.lawPath;
  } else {
    law = await defaultLawFor(store);
    source = DEFAULT_LAW_SOURCE;
  }
  if (law === null) {
    if (options.flops !== undefined) {
      throw new UserError(
        `--flops needs a measured law for ${store.path}: --law runs/sweep-NAME/law.json (deno task sweep makes one)`,
      );
    }
    return null;
  }
  const plan = planWithLaw(
    law,
    options.flops !== undefined ? { flops: options.flops } : { tokens: store.trainTokens },
    source,
  );
  const { keep: _keep, ...rule } = sweepTrainRequest(plan.model, plan.run);
  const given = Object.fromEntries(
    Object.entries(request).filter(([, value]) => value !== undefined),
  );
  return { request: { ...rule, ...given }, plan, shards };
}

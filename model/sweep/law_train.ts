import { UserError } from "../../core/user_error.ts";
import { openStore, type TokenStore } from "../../pipeline/mod.ts";
import type { TrainRequest } from "../train/mod.ts";
import { DEFAULT_DATA } from "../train/mod.ts";
import { lawStoreOf, type MeasuredLaw, readLaw } from "./law_file.ts";
import { DEFAULT_LAW_SOURCE, defaultLawFor } from "./default_law.ts";
import { checkLawStore, type LawPlan, planWithLaw } from "./law_plan.ts";
import { sweepTrainRequest } from "./run_request.ts";

/** The request's fields a measured law sets: the model, and how many tokens the run trains on. */
const LAW_SET_FLAGS = [
  ["preset", "--preset"],
  ["layers", "--layers"],
  ["modelD", "--model-d"],
  ["heads", "--heads"],
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
 * `--law` or `--flops` (a one-line refusal). Null when no measured law applies: no `--law` or
 * `--flops`, and not the default store or size or length flags given (the default gives way).
 */
export async function lawTrainRequest(
  request: TrainRequest,
  options: LawTrainOptions,
): Promise<LawTrainRequest | null> {
  // The law's prediction is for the model and length it plans: flags that change them make the
  // committed default give way (the run is sized as without a law), and are refused beside a law
  // or budget the user asked for.
  const overridden = LAW_SET_FLAGS.filter(([key]) => request[key] !== undefined);
  if (overridden.length > 0) {
    if (options.lawPath === undefined && options.flops === undefined) return null;
    throw new UserError(
      `${
        options.lawPath !== undefined ? "--law" : "--flops"
      } picks the model and the run's length: drop ${overridden.map(([, flag]) => flag).join("/")}`,
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

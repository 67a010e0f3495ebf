import { UserError } from "../core/user_error.ts";

/** The head sizes (d / heads) the configuration search accepts. */
export const HEAD_SIZE_RANGE = { min: 32, max: 128 } as const;

/**
 * The head count for width `modelD`: the divisor of `modelD` whose head size is closest to 64
 * (GPT-2 and the seed's d = 512 model use 64) among head sizes 32 to 128; on a tie the larger head
 * size wins. A multiple of 64 always gets head size 64. `UserError` when no divisor fits.
 *
 * @example
 * ```ts
 * import { defaultHeads } from "./heads.ts";
 * defaultHeads(512); // 8
 * defaultHeads(96); // 2 (head size 48)
 * defaultHeads(2046); // 31 (head sizes 66 and 62 tie; the larger wins)
 * ```
 */
export function defaultHeads(modelD: number): number {
  let best: number | undefined;
  for (let heads = 1; heads <= modelD; heads++) {
    if (modelD % heads !== 0) continue;
    const size = modelD / heads;
    if (size < HEAD_SIZE_RANGE.min || size > HEAD_SIZE_RANGE.max) continue;
    if (best === undefined || Math.abs(size - 64) < Math.abs(modelD / best - 64)) best = heads;
  }
  if (best === undefined) {
    throw new UserError(
      `model_d ${modelD}: no head count gives a head size of ${HEAD_SIZE_RANGE.min} to ${HEAD_SIZE_RANGE.max}; pass --heads`,
    );
  }
  return best;
}

/** Throws a `UserError` unless `heads` divides `modelD` with a head size of 32 to 128. */
export function validateHeads(modelD: number, heads: number): void {
  if (!Number.isInteger(heads) || heads < 1 || modelD % heads !== 0) {
    throw new UserError(`heads ${heads} does not divide model_d ${modelD}`);
  }
  const size = modelD / heads;
  if (size < HEAD_SIZE_RANGE.min || size > HEAD_SIZE_RANGE.max) {
    throw new UserError(
      `heads ${heads} gives a head size of ${size} for model_d ${modelD}; expected ${HEAD_SIZE_RANGE.min} to ${HEAD_SIZE_RANGE.max}`,
    );
  }
}

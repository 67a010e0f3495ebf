import { UserError } from "../../core/user_error.ts";
import type { TrainPlan } from "./plan.ts";

// What the backends say when an allocation fails (wasm's heap, WebGPU's buffers, the cpu's arrays).
const OUT_OF_MEMORY =
  /out of memory|allocation failed|could not allocate|Array buffer allocation|OOM/i;

/**
 * A `UserError` for an allocation failure in step `step` (the batch does not fit), saying which flags to
 * change; undefined for any other error, which the caller rethrows as it is.
 */
export function outOfMemory(error: unknown, plan: TrainPlan, step: number): UserError | undefined {
  const message = (error as Error)?.message ?? String(error);
  if (!OUT_OF_MEMORY.test(message)) return undefined;
  return new UserError(
    `step ${
      step + 1
    }: a batch of --batch ${plan.batch} × --ctx ${plan.config.ctx} does not fit in memory ` +
      `(${
        message.split("\n")[0]
      }); lower --batch and raise --accum to keep the tokens per step, then ` +
      `--resume (the last checkpoint is intact)`,
  );
}

/**
 * A check, run by hand (not part of `deno task test`), that bench/pytorch/ is the toolkit's model and update:
 * a freshly initialised tiny GPT's parameters and two batches go from TypeScript (cpu backend) to PyTorch
 * (check_same_model.py), and
 * 1. the model: both sides compute each batch's loss and gradients at those parameters;
 * 2. the update: from the same parameters, both make two updates (a global-norm clip that bites, then AdamW)
 *    from the same gradients (TypeScript's, of batch 1 then batch 2) with the same learning rates, through the
 *    functions their training steps call (`clipByGlobalNorm` + `AdamW.update`; `apply_update`);
 * 3. the schedule: the learning rate of every step of the benchmark's job (300 steps, warmup 30, 1e-3 → 1e-5).
 * The update gets the same gradients because Adam divides each gradient element by its own magnitude: an
 * element that cancels to float32 noise (8e-11 here against 1.4e-10 in PyTorch) would decide its update by
 * noise, which says nothing about the optimizer.
 * Prints the largest relative difference of each (per tensor max |ts − torch| / max |torch|; for the updates,
 * of the change from the initial values) and exits 1 when one exceeds 1e-5.
 *
 *   deno run -A bench/pytorch/check_same_model.ts
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../../model/backend/init.ts";
import { clipByGlobalNorm, globalNorm } from "../../model/train/clip.ts";
import type { GptConfig } from "../../model/gpt/config.ts";
import { microGpt } from "../../model/gpt/gpt.ts";
import { AdamW } from "../../model/train/optimizer.ts";
import { Random } from "../../model/gpt/random.ts";
import { learningRate, type WarmupCosineSchedule } from "../../model/train/schedule.ts";

const CONFIG: GptConfig = { layers: 2, modelD: 16, heads: 4, vocab: 50, ctx: 8, block: "original" };
const BATCH = 3;
// Large rates, so that a change is far above the float32 rounding of the parameter (ulp(1) / 0.1 ≈ 1e-6).
const LRS = [1e-1, 5e-2];
const WEIGHT_DECAY = 0.01;
const TOLERANCE = 1e-5;
const SCHEDULE: WarmupCosineSchedule = {
  initValue: 0,
  peakValue: 1e-3,
  warmupSteps: 30,
  decaySteps: 300,
  endValue: 1e-5,
};

type Values = Map<string, Float32Array>;

await initBackend("cpu");
const model = microGpt(CONFIG, 7);
const random = new Random(11);
const windowLength = CONFIG.ctx + 1;
const batches = LRS.map(() =>
  Int32Array.from({ length: BATCH * windowLength }, () => random.int(CONFIG.vocab))
);
const initial = await values(model.params);

// 1. Loss and gradients of each batch at the initial parameters, as trainStep computes them.
const ours: { loss: number; gradients: Values }[] = [];
for (const windows of batches) {
  const { loss, grads } = tf.tidy(() => {
    const all = tf.tensor2d(windows, [BATCH, windowLength], "int32");
    const ids = tf.slice(all, [0, 0], [BATCH, CONFIG.ctx]) as tf.Tensor2D;
    const targets = tf.slice(all, [0, 1], [BATCH, CONFIG.ctx]) as tf.Tensor2D;
    const result = tf.variableGrads(() => model.loss(ids, targets), [...model.params.values()]);
    return {
      loss: result.value,
      grads: [...model.params.values()].map((v) => result.grads[v.name]),
    };
  });
  const names = [...model.params.keys()];
  ours.push({
    loss: (await loss.data())[0],
    gradients: await values(new Map(names.map((name, i) => [name, grads[i]]))),
  });
  tf.dispose([loss, ...grads]);
}

// 2. Two updates from those gradients, with a threshold below the first one's norm so the clip bites.
const clip = tf.tidy(() => globalNorm(tensors(ours[0].gradients).values()).dataSync()[0]) / 2;
const optimizer = new AdamW(model.params, { weightDecay: WEIGHT_DECAY });
for (const [k, lr] of LRS.entries()) {
  const gradients = tensors(ours[k].gradients);
  const { clipped, norm } = clipByGlobalNorm(gradients, clip);
  optimizer.update(model.params, clipped, lr);
  tf.dispose([norm, ...gradients.values(), ...clipped.values()]);
}
const updated = await values(model.params);
model.dispose();
optimizer.dispose();

const torch = await runPython({
  config: {
    layers: CONFIG.layers,
    model_d: CONFIG.modelD,
    heads: CONFIG.heads,
    vocab: CONFIG.vocab,
    ctx: CONFIG.ctx,
  },
  params: plain(initial),
  batches: batches.map((windows) =>
    Array.from(
      { length: BATCH },
      (_, row) => Array.from(windows.subarray(row * windowLength, (row + 1) * windowLength)),
    )
  ),
  updates: LRS.map((lr, k) => ({ lr, gradients: plain(ours[k].gradients) })),
  clip,
  weight_decay: WEIGHT_DECAY,
  schedule: {
    peak: SCHEDULE.peakValue,
    warmup: SCHEDULE.warmupSteps,
    decay_steps: SCHEDULE.decaySteps,
    end: SCHEDULE.endValue,
  },
});

const rows: [string, number][] = [];
for (const [k, batch] of ours.entries()) {
  const theirs = torch.batches[k];
  rows.push([`batch ${k + 1}: loss ${batch.loss}`, relative([batch.loss], [theirs.loss])]);
  rows.push(worst(`batch ${k + 1}: gradients`, batch.gradients, theirs.gradients));
}
rows.push(
  worst(`change after ${LRS.length} updates`, changes(updated), changes(mapOf(torch.updated))),
);
const rates = torch.learning_rates.map((_: number, count: number) => learningRate(SCHEDULE, count));
rows.push([`learning rates of ${rates.length} steps`, relative(rates, torch.learning_rates)]);
console.log(
  `model ${JSON.stringify(CONFIG)}, batch ${BATCH}; clip at ${clip.toPrecision(6)} ` +
    `(norms before clipping, torch: ${
      torch.norms.map((n: number) => n.toPrecision(6)).join(", ")
    }); ` +
    `lr ${LRS.join(", ")}`,
);
let failed = false;
for (const [what, difference] of rows) {
  const ok = difference <= TOLERANCE;
  failed ||= !ok;
  console.log(
    `${what}: max relative difference ${difference.toExponential(2)} ${ok ? "ok" : "FAIL"}`,
  );
}
if (failed) Deno.exit(1);

/** Sends `request` to check_same_model.py and returns its JSON answer. */
async function runPython(request: unknown) {
  const child = new Deno.Command("/usr/bin/python3", {
    args: [new URL("./check_same_model.py", import.meta.url).pathname],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(request)));
  await writer.close();
  const output = await child.output();
  if (!output.success) throw new Error("check_same_model.py failed");
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

/** Each tensor's values, by name. */
async function values(named: Map<string, tf.Tensor>): Promise<Values> {
  const entries = await Promise.all(
    [...named].map(async ([name, t]) => [name, await t.data() as Float32Array] as const),
  );
  return new Map(entries);
}

/** Tensors of `named`'s values, in the parameters' shapes (the caller disposes them). */
function tensors(named: Values): Map<string, tf.Tensor> {
  return new Map(
    [...named].map(([name, v]) => [name, tf.tensor(v, model.params.get(name)!.shape)]),
  );
}

function plain(named: Values): Record<string, number[]> {
  return Object.fromEntries([...named].map(([name, v]) => [name, Array.from(v)]));
}

function mapOf(record: Record<string, number[]>): Map<string, number[]> {
  return new Map(Object.entries(record));
}

/** max |a − b| / max |b|. */
function relative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let difference = 0, scale = 0;
  for (let i = 0; i < b.length; i++) {
    difference = Math.max(difference, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return scale === 0 ? difference : difference / scale;
}

/** The worst tensor's relative difference, as a row naming it. */
function worst(
  what: string,
  a: Map<string, ArrayLike<number>>,
  b: Map<string, ArrayLike<number>> | Record<string, number[]>,
): [string, number] {
  const theirs = b instanceof Map ? b : mapOf(b);
  let name = "", value = -1;
  for (const [key, v] of a) {
    const difference = relative(v, theirs.get(key)!);
    if (difference > value) [name, value] = [key, difference];
  }
  return [`${what} (worst tensor: ${name})`, value];
}

/** after − initial, per tensor, in float64. */
function changes(after: Map<string, ArrayLike<number>>): Map<string, Float64Array> {
  return new Map(
    [...after].map((
      [name, v],
    ) => [name, Float64Array.from(v, (x, i) => x - initial.get(name)![i])]),
  );
}

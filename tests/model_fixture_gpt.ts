/** A tiny GPT with all parameters randomised (N(0, 0.5²), gains around 1), for tests whose outputs
 *  must depend on every weight (freshly initialised models are nearly uniform). */
import * as tf from "@tensorflow/tfjs-core";
import type { GptConfig } from "../model/gpt/config.ts";
import { type GptModel, microGpt } from "../model/gpt/gpt.ts";
import { Random } from "../model/gpt/random.ts";

export function randomisedGpt(config: GptConfig, seed: number, std = 0.5): GptModel {
  const model = microGpt(config, seed);
  const random = new Random(seed + 1000);
  for (const [name, variable] of model.params) {
    const values = random.fillNormal(new Float32Array(variable.size), std);
    if (name.endsWith(".gain")) values.forEach((v, i) => values[i] = 1 + v);
    const value = tf.tensor(values, variable.shape);
    variable.assign(value);
    value.dispose();
  }
  return model;
}

/// <reference lib="dom" />
/** The next-token view: the top-k probabilities after the selected position, as bars. */
import * as tf from "@tensorflow/tfjs-core";
import { gptLogits, type GptModel } from "../../model/gpt/gpt.ts";
import type { Tokenizer } from "../../pipeline/bpe/tokenizer.ts";
import { byTestId, element } from "./_dom.ts";

/** Draws the `k` likeliest next tokens after `ids[0..position]` (one full forward pass). */
export async function drawNextToken(
  model: GptModel,
  tokenizer: Tokenizer,
  ids: readonly number[],
  position: number,
  k: number,
): Promise<void> {
  const box = byTestId("next-token");
  const probabilities = tf.tidy(() => {
    const window = tf.tensor2d([...ids.slice(0, position + 1)], [1, position + 1], "int32");
    const logits = gptLogits(model, window); // (1, T, V)
    return tf.softmax(tf.reshape(tf.slice(logits, [0, position, 0], [1, 1, -1]), [-1]));
  });
  const values = await probabilities.data<"float32">();
  probabilities.dispose();
  const top = Array.from(values.keys()).sort((a, b) => values[b] - values[a] || a - b).slice(0, k);
  box.replaceChildren();
  box.dataset.position = String(position);
  box.dataset.tokenIds = top.join(",");
  byTestId("next-token-caption").textContent = `after token ${position} (${
    JSON.stringify(tokenizer.decode([ids[position]]))
  }), top ${top.length}`;
  const longest = values[top[0]] || 1; // bars are drawn relative to the likeliest token
  for (const id of top) {
    const row = element("div", "", "bar");
    const bar = element("div");
    bar.style.width = `${(100 * values[id] / longest).toFixed(1)}%`;
    row.title = `id ${id}`;
    row.append(element("span", JSON.stringify(tokenizer.decode([id]))), bar);
    row.append(element("span", values[id].toFixed(4)));
    box.append(row);
  }
}

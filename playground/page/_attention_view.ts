/// <reference lib="dom" />
/** The attention view: one layer's and head's probabilities as a heatmap (query × key position). */
import type { GptModel } from "../../model/gpt/gpt.ts";
import { attentionMaps, type LayerAttention } from "../attention_maps.ts";
import { byTestId } from "./_dom.ts";

let shown: { layers: LayerAttention[]; time: number } | null = null;

/** Computes every layer's attention for `ids` (the window) and draws the chosen layer and head. */
export async function updateAttention(model: GptModel, ids: readonly number[]): Promise<void> {
  const { layers, heads } = model.config;
  const fill = (select: HTMLSelectElement, count: number) => {
    if (select.options.length === count) return;
    select.replaceChildren(...Array.from({ length: count }, (_, i) => new Option(String(i + 1))));
  };
  fill(byTestId<HTMLSelectElement>("layer"), layers);
  fill(byTestId<HTMLSelectElement>("head"), heads);
  shown = { layers: await attentionMaps(model, ids), time: ids.length };
  drawAttention();
}

/** The matrix on screen, rows = query positions (also the canvas's `data-weights`). */
export function shownAttention(): number[][] {
  if (!shown) return [];
  const layer = Number(byTestId<HTMLSelectElement>("layer").value) - 1;
  const head = Number(byTestId<HTMLSelectElement>("head").value) - 1;
  const { time } = shown;
  const flat = shown.layers[layer].heads[head];
  return Array.from(
    { length: time },
    (_, q) => Array.from(flat.subarray(q * time, (q + 1) * time)),
  );
}

/** Redraws the heatmap for the selected layer and head (white 0 → dark blue 1). */
export function drawAttention(): void {
  const canvas = byTestId<HTMLCanvasElement>("attention");
  const matrix = shownAttention();
  canvas.dataset.layer = byTestId<HTMLSelectElement>("layer").value;
  canvas.dataset.head = byTestId<HTMLSelectElement>("head").value;
  canvas.dataset.weights = JSON.stringify(matrix);
  const context = canvas.getContext("2d")!;
  context.fillStyle = "white";
  context.fillRect(0, 0, canvas.width, canvas.height);
  const cell = canvas.width / Math.max(1, matrix.length);
  matrix.forEach((row, q) =>
    row.forEach((weight, k) => {
      const shade = Math.round(255 * (1 - weight));
      context.fillStyle = `rgb(${shade}, ${shade}, 255)`;
      context.fillRect(k * cell, q * cell, Math.ceil(cell), Math.ceil(cell));
    })
  );
}

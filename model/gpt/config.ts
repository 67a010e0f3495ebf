import { type BlockKind, parseBlockKind } from "../../core/block_kind.ts";
import { UserError } from "../../core/user_error.ts";

/**
 * The shape of a GPT. `block` chooses the wiring of each block:
 * - `"original"` (default, the microGPT study's micro_gpt_4): x_norm = LN(x); h = x + MHA(x_norm);
 *   x = h + FFN(h); no final LayerNorm.
 * - `"preln"` (the modern pre-LN form): h = x + MHA(LN₁(x)); x = h + FFN(LN₂(h)); a final LN.
 */
export interface GptConfig {
  /** Number of blocks (the microGPT study's micro_gpt_N has N). */
  layers: number;
  /** Width of the residual stream, d (model_d in JSON). */
  modelD: number;
  /** Attention heads; must divide modelD. */
  heads: number;
  /** Vocabulary size (rows of the tied embedding). */
  vocab: number;
  /** The context length: the most positions one forward pass sees. */
  ctx: number;
  /** The block wiring (see above). */
  block: BlockKind;
}

/** How a parameter starts: N(0, std²), all ones, or all zeros. */
export type ParameterInit = { normal: number } | "ones" | "zeros";

/** One parameter of the model: its name as the microGPT study spells it, its shape and its initialisation. */
export interface ParameterSpec {
  /** The study's name, e.g. `attn2.w_q`. */
  name: string;
  /** Its shape, e.g. [modelD, modelD]. */
  shape: number[];
  /** How `microGpt` fills it. */
  init: ParameterInit;
}

/** Throws a `UserError` naming the field when `config` cannot describe a GPT. */
export function validateConfig(config: GptConfig): void {
  for (const field of ["layers", "modelD", "heads", "vocab", "ctx"] as const) {
    const value = config[field];
    if (!Number.isInteger(value) || value < 1) {
      throw new UserError(`GPT config: ${snake(field)} must be a whole number ≥ 1, got ${value}`);
    }
  }
  if (config.modelD % config.heads !== 0) {
    throw new UserError(
      `GPT config: model_d ${config.modelD} is not divisible by heads ${config.heads}`,
    );
  }
  parseBlockKind(config.block, "GPT config: block");
}

/**
 * Every parameter in a fixed order (also the order in which `microGpt` draws the initial values),
 * named as the microGPT study names them: `embed`; per layer i (from 1) `ln{i}.gain`, `ln{i}.bias`,
 * `attn{i}.w_q`, `attn{i}.w_k`, `attn{i}.w_v`, `attn{i}.w_o`, (preln: `ln{i}_ffn.gain`,
 * `ln{i}_ffn.bias`), `ffn{i}_fc.weight`, `ffn{i}_fc.bias`, `ffn{i}_proj.weight`,
 * `ffn{i}_proj.bias`; preln ends with `lnf.gain`, `lnf.bias`.
 *
 * Initialisation as the study's `param_setup.py`: embedding N(0, 0.01²), attention matrices
 * N(0, 1/d), linear weights N(0, 0.01²) with zero biases, LayerNorm gain 1 and bias 0.
 */
export function parameterLayout(config: GptConfig): ParameterSpec[] {
  const d = config.modelD;
  const hidden = 4 * d;
  const layerNorm = (name: string): ParameterSpec[] => [
    { name: `${name}.gain`, shape: [d], init: "ones" },
    { name: `${name}.bias`, shape: [d], init: "zeros" },
  ];
  const specs: ParameterSpec[] = [{
    name: "embed",
    shape: [config.vocab, d],
    init: { normal: 0.01 },
  }];
  for (let i = 1; i <= config.layers; i++) {
    specs.push(...layerNorm(`ln${i}`));
    for (const w of ["w_q", "w_k", "w_v", "w_o"]) {
      specs.push({ name: `attn${i}.${w}`, shape: [d, d], init: { normal: 1 / Math.sqrt(d) } });
    }
    if (config.block === "preln") specs.push(...layerNorm(`ln${i}_ffn`));
    specs.push(
      { name: `ffn${i}_fc.weight`, shape: [d, hidden], init: { normal: 0.01 } },
      { name: `ffn${i}_fc.bias`, shape: [hidden], init: "zeros" },
      { name: `ffn${i}_proj.weight`, shape: [hidden, d], init: { normal: 0.01 } },
      { name: `ffn${i}_proj.bias`, shape: [d], init: "zeros" },
    );
  }
  if (config.block === "preln") specs.push(...layerNorm("lnf"));
  return specs;
}

/** The number of parameters of `config` (the sum over `parameterLayout`). */
export function parameterCount(config: GptConfig): number {
  return parameterLayout(config).reduce(
    (sum, spec) => sum + spec.shape.reduce((a, b) => a * b, 1),
    0,
  );
}

function snake(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

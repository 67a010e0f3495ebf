/**
 * The GPT's forward and backward passes written out by hand on flat float32 buffers, every matrix
 * product a `cblas_sgemm` with its transposes folded in and the element-wise work fused
 * (`layer_kernels.ts`): the same function as `model/gpt/gpt.ts` (the tests compare losses and
 * gradients), without tfjs's thousand kernel calls and their copies per step.
 *
 * Shape legend: B = windows in the pass, T = time (positions), C = model_d, H = heads,
 * D = C / H (head size), F = 4·C (feed-forward width), V = vocabulary, N = B·T rows.
 * Activations are [N, C] row-major; head h of a row is the D columns from h·D, so a head's
 * [T, D] slice is read and written in place with a row stride of C (no split/merge transposes).
 *
 * Where the time goes (2 layers, C 128, T 64, B 16, V 2000): the products are ~80% of the FLOPs;
 * the softmax over the vocabulary (N·V exps) and GELU (N·F tanh per layer) lead the rest.
 *
 * @module
 */
import type { GptConfig } from "../../gpt/config.ts";
import { LAYER_NORM_EPS } from "../../gpt/ops/layer_norm.ts";
import { sinusoidalTable } from "../../gpt/ops/positional_encoding.ts";
import type { Blas } from "./blas.ts";
import type { FlatLayout } from "./_flat_parameters.ts";
import {
  addColumnSums,
  addInto,
  causalSoftmax,
  causalSoftmaxBackward,
  crossEntropyLoss,
  crossEntropyWithGradient,
  fillRows,
  geluBackward,
  geluForward,
  layerNormBackward,
  layerNormForward,
} from "./_layer_kernels.ts";

/** Offsets of one block's parameters in the flat buffer. */
interface BlockOffsets {
  lnGain: number;
  lnBias: number;
  wQ: number;
  wK: number;
  wV: number;
  wO: number;
  /** Pre-LN wiring only: the LayerNorm before the feed-forward network. */
  ffnLnGain: number | null;
  ffnLnBias: number | null;
  fcWeight: number;
  fcBias: number;
  projWeight: number;
  projBias: number;
}

/** What one block keeps from its forward pass for its backward pass. */
interface BlockActivations {
  /** LN₁(x) [N, C], and its x̂ and σ. */
  lnOut: Float32Array;
  lnXHat: Float32Array;
  lnSigma: Float32Array;
  /** Q (already scaled by 1/√D), K, V [N, C]. */
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  /** Attention probabilities [B, H, T, T]. */
  probs: Float32Array;
  /** Heads merged, before W_o [N, C]. */
  heads: Float32Array;
  /** h = x + attention [N, C]. */
  h: Float32Array;
  /** Pre-LN only: LN₂(h) [N, C], its x̂ and σ (the original wiring feeds h itself to the FFN). */
  ffnLnOut: Float32Array | null;
  ffnLnXHat: Float32Array | null;
  ffnLnSigma: Float32Array | null;
  /** x·W_fc + b_fc [N, F], tanh of GELU's inner term, and GELU's output [N, F]. */
  fc: Float32Array;
  fcTanh: Float32Array;
  gelu: Float32Array;
  /** The block's output, the next block's input [N, C]. */
  out: Float32Array;
}

/**
 * One GPT's passes over up to `maxWindows` windows of `ctx` positions. It reads the parameters from
 * `params` (shared: Workers of one trainer read the same buffer) and adds gradients into `grads`.
 */
export class GptEngine {
  readonly #config: GptConfig;
  readonly #blas: Blas;
  readonly #params: Float32Array;
  readonly #grads: Float32Array;
  readonly #embed: number;
  readonly #blocks: BlockOffsets[];
  readonly #finalLn: { gain: number; bias: number } | null;
  readonly #maxRows: number;
  readonly #positions: Float32Array;
  readonly #input: Float32Array;
  readonly #activations: BlockActivations[];
  readonly #final: { out: Float32Array; xHat: Float32Array; sigma: Float32Array } | null;
  readonly #logits: Float32Array;
  // Backward scratch: gradients w.r.t. the residual stream, the FFN hidden layer, and one head's scores.
  readonly #dx: Float32Array;
  readonly #dh: Float32Array;
  readonly #dTemp: Float32Array;
  readonly #dHidden: Float32Array;
  readonly #dq: Float32Array;
  readonly #dk: Float32Array;
  readonly #dv: Float32Array;
  readonly #dScores: Float32Array;
  readonly #temp: Float32Array;

  constructor(
    config: GptConfig,
    layout: FlatLayout,
    blas: Blas,
    params: Float32Array,
    grads: Float32Array,
    maxWindows: number,
  ) {
    this.#config = config;
    this.#blas = blas;
    this.#params = params;
    this.#grads = grads;
    const { modelD: c, ctx: t, heads, layers } = config;
    const f = 4 * c;
    const n = maxWindows * t;
    this.#maxRows = n;
    this.#embed = layout.offset("embed");
    const preln = config.block === "preln";
    this.#blocks = [];
    for (let i = 1; i <= layers; i++) {
      this.#blocks.push({
        lnGain: layout.offset(`ln${i}.gain`),
        lnBias: layout.offset(`ln${i}.bias`),
        wQ: layout.offset(`attn${i}.w_q`),
        wK: layout.offset(`attn${i}.w_k`),
        wV: layout.offset(`attn${i}.w_v`),
        wO: layout.offset(`attn${i}.w_o`),
        ffnLnGain: preln ? layout.offset(`ln${i}_ffn.gain`) : null,
        ffnLnBias: preln ? layout.offset(`ln${i}_ffn.bias`) : null,
        fcWeight: layout.offset(`ffn${i}_fc.weight`),
        fcBias: layout.offset(`ffn${i}_fc.bias`),
        projWeight: layout.offset(`ffn${i}_proj.weight`),
        projBias: layout.offset(`ffn${i}_proj.bias`),
      });
    }
    this.#finalLn = preln
      ? { gain: layout.offset("lnf.gain"), bias: layout.offset("lnf.bias") }
      : null;
    this.#positions = sinusoidalTable(t, c);
    this.#input = new Float32Array(n * c);
    const rowsByC = () => new Float32Array(n * c);
    this.#activations = this.#blocks.map(() => ({
      lnOut: rowsByC(),
      lnXHat: rowsByC(),
      lnSigma: new Float32Array(n),
      q: rowsByC(),
      k: rowsByC(),
      v: rowsByC(),
      probs: new Float32Array(maxWindows * heads * t * t),
      heads: rowsByC(),
      h: rowsByC(),
      ffnLnOut: preln ? rowsByC() : null,
      ffnLnXHat: preln ? rowsByC() : null,
      ffnLnSigma: preln ? new Float32Array(n) : null,
      fc: new Float32Array(n * f),
      fcTanh: new Float32Array(n * f),
      gelu: new Float32Array(n * f),
      out: rowsByC(),
    }));
    this.#final = preln ? { out: rowsByC(), xHat: rowsByC(), sigma: new Float32Array(n) } : null;
    this.#logits = new Float32Array(n * config.vocab);
    this.#dx = rowsByC();
    this.#dh = rowsByC();
    this.#dTemp = rowsByC();
    this.#dHidden = new Float32Array(n * f);
    this.#dq = rowsByC();
    this.#dk = rowsByC();
    this.#dv = rowsByC();
    this.#dScores = new Float32Array(t * t);
    this.#temp = rowsByC();
  }

  /**
   * Forward and backward over `windows` windows read from `tokens` (window w is the ctx + 1 ids
   * from `first + w` · (ctx + 1): positions 0…ctx−1 are the inputs, 1…ctx the targets). Adds
   * ∂(gradientScale · Σ token losses)/∂θ into the gradient buffer and returns Σ token losses (nats).
   */
  forwardBackward(tokens: Int32Array, first: number, windows: number, gradientScale: number) {
    const rows = this.#rows(windows);
    const stride = this.#config.ctx + 1;
    const hidden = this.#forward(tokens, first, windows);
    const targets = { ids: tokens, offset: first * stride + 1, stride, time: this.#config.ctx };
    const loss = crossEntropyWithGradient(
      this.#logits,
      targets,
      rows,
      this.#config.vocab,
      gradientScale,
    );
    this.#backward(tokens, first, windows, hidden);
    return loss;
  }

  /** Σ token losses (nats) over `windows` windows, forward only (evaluation). */
  loss(tokens: Int32Array, first: number, windows: number): number {
    const rows = this.#rows(windows);
    const stride = this.#config.ctx + 1;
    this.#forward(tokens, first, windows);
    const targets = { ids: tokens, offset: first * stride + 1, stride, time: this.#config.ctx };
    return crossEntropyLoss(this.#logits, targets, rows, this.#config.vocab);
  }

  #rows(windows: number): number {
    const rows = windows * this.#config.ctx;
    if (!(windows >= 1 && rows <= this.#maxRows)) {
      throw new RangeError(`native GPT: ${windows} windows do not fit the engine's buffers`);
    }
    return rows;
  }

  /** Runs the blocks; returns the final hidden states [N, C] (the logits are in #logits). */
  #forward(tokens: Int32Array, first: number, windows: number): Float32Array {
    const { modelD: c, ctx: t, vocab } = this.#config;
    const n = windows * t;
    const p = this.#params;
    const stride = t + 1;
    // x = embed[ids] · √C + PE(t)   [N, C]
    const x = this.#input;
    const scale = Math.sqrt(c);
    for (let w = 0; w < windows; w++) {
      for (let pos = 0; pos < t; pos++) {
        const id = tokens[(first + w) * stride + pos];
        const row = (w * t + pos) * c, from = this.#embed + id * c, pe = pos * c;
        for (let j = 0; j < c; j++) x[row + j] = p[from + j] * scale + this.#positions[pe + j];
      }
    }
    let current = x;
    for (let layer = 0; layer < this.#blocks.length; layer++) {
      current = this.#blockForward(current, this.#blocks[layer], this.#activations[layer], windows);
    }
    let hidden = current;
    if (this.#final && this.#finalLn) {
      layerNormForward(
        current,
        p,
        this.#finalLn.gain,
        p,
        this.#finalLn.bias,
        this.#final.out,
        this.#final.xHat,
        this.#final.sigma,
        n,
        c,
        LAYER_NORM_EPS,
      );
      hidden = this.#final.out;
    }
    // logits = hidden · embedᵀ   [N, V]  (the tied output projection)
    this.#blas.sgemm(
      false,
      true,
      n,
      vocab,
      c,
      1,
      hidden,
      0,
      c,
      p,
      this.#embed,
      c,
      0,
      this.#logits,
      0,
      vocab,
    );
    return hidden;
  }

  #blockForward(x: Float32Array, o: BlockOffsets, a: BlockActivations, windows: number) {
    const { modelD: c, ctx: t, heads } = this.#config;
    const d = c / heads, f = 4 * c, n = windows * t;
    const p = this.#params, blas = this.#blas;
    layerNormForward(
      x,
      p,
      o.lnGain,
      p,
      o.lnBias,
      a.lnOut,
      a.lnXHat,
      a.lnSigma,
      n,
      c,
      LAYER_NORM_EPS,
    );
    // Q = LN(x)·W_q / √D, K = LN(x)·W_k, V = LN(x)·W_v   [N, C] each
    blas.sgemm(false, false, n, c, c, 1 / Math.sqrt(d), a.lnOut, 0, c, p, o.wQ, c, 0, a.q, 0, c);
    blas.sgemm(false, false, n, c, c, 1, a.lnOut, 0, c, p, o.wK, c, 0, a.k, 0, c);
    blas.sgemm(false, false, n, c, c, 1, a.lnOut, 0, c, p, o.wV, c, 0, a.v, 0, c);
    for (let w = 0; w < windows; w++) {
      for (let head = 0; head < heads; head++) {
        const slice = w * t * c + head * d; // this head's [T, D] inside [N, C]
        const block = (w * heads + head) * t * t;
        // scores = Q_h · K_hᵀ [T, T]; P = causal softmax; heads_h = P · V_h [T, D]
        blas.sgemm(false, true, t, t, d, 1, a.q, slice, c, a.k, slice, c, 0, a.probs, block, t);
        causalSoftmax(a.probs, block, t);
        blas.sgemm(
          false,
          false,
          t,
          d,
          t,
          1,
          a.probs,
          block,
          t,
          a.v,
          slice,
          c,
          0,
          a.heads,
          slice,
          c,
        );
      }
    }
    // h = x + heads · W_o
    blas.sgemm(false, false, n, c, c, 1, a.heads, 0, c, p, o.wO, c, 0, this.#temp, 0, c);
    addInto(a.h, x, this.#temp, n * c);
    let ffnIn = a.h;
    if (a.ffnLnOut && a.ffnLnXHat && a.ffnLnSigma && o.ffnLnGain !== null && o.ffnLnBias !== null) {
      layerNormForward(
        a.h,
        p,
        o.ffnLnGain,
        p,
        o.ffnLnBias,
        a.ffnLnOut,
        a.ffnLnXHat,
        a.ffnLnSigma,
        n,
        c,
        LAYER_NORM_EPS,
      );
      ffnIn = a.ffnLnOut;
    }
    // fc = ffnIn · W_fc + b_fc [N, F]; g = gelu(fc); out = h + g · W_proj + b_proj
    fillRows(a.fc, p, o.fcBias, n, f);
    blas.sgemm(false, false, n, f, c, 1, ffnIn, 0, c, p, o.fcWeight, f, 1, a.fc, 0, f);
    geluForward(a.fc, a.fcTanh, a.gelu, n * f);
    fillRows(this.#temp, p, o.projBias, n, c);
    blas.sgemm(false, false, n, c, f, 1, a.gelu, 0, f, p, o.projWeight, c, 1, this.#temp, 0, c);
    addInto(a.out, a.h, this.#temp, n * c);
    return a.out;
  }

  /** Back-propagates the gradient of the logits (in #logits) to every parameter. */
  #backward(tokens: Int32Array, first: number, windows: number, hidden: Float32Array) {
    const { modelD: c, ctx: t, vocab } = this.#config;
    const n = windows * t;
    const p = this.#params, g = this.#grads, blas = this.#blas;
    // hidden = x_L (or LN_f(x_L)); logits = hidden · embedᵀ
    // d hidden = dlogits · embed [N, C];  d embed += dlogitsᵀ · hidden [V, C]
    blas.sgemm(
      false,
      false,
      n,
      c,
      vocab,
      1,
      this.#logits,
      0,
      vocab,
      p,
      this.#embed,
      c,
      0,
      this.#dx,
      0,
      c,
    );
    blas.sgemm(
      true,
      false,
      vocab,
      c,
      n,
      1,
      this.#logits,
      0,
      vocab,
      hidden,
      0,
      c,
      1,
      g,
      this.#embed,
      c,
    );
    if (this.#final && this.#finalLn) {
      layerNormBackward(
        this.#dx,
        this.#final.xHat,
        this.#final.sigma,
        p,
        this.#finalLn.gain,
        g,
        g,
        this.#finalLn,
        this.#dTemp,
        false,
        n,
        c,
        LAYER_NORM_EPS,
      );
      this.#dx.set(this.#dTemp.subarray(0, n * c));
    }
    for (let layer = this.#blocks.length - 1; layer >= 0; layer--) {
      this.#blockBackward(this.#blocks[layer], this.#activations[layer], windows);
    }
    // x = embed[ids] · √C + PE: d embed[id] += √C · dx
    const stride = t + 1, scale = Math.sqrt(c), dx = this.#dx;
    for (let w = 0; w < windows; w++) {
      for (let pos = 0; pos < t; pos++) {
        const id = tokens[(first + w) * stride + pos];
        const row = (w * t + pos) * c, to = this.#embed + id * c;
        for (let j = 0; j < c; j++) g[to + j] += scale * dx[row + j];
      }
    }
  }

  /** One block's backward: reads dOut from #dx, leaves dInput in #dx. */
  #blockBackward(o: BlockOffsets, a: BlockActivations, windows: number) {
    const { modelD: c, ctx: t, heads } = this.#config;
    const d = c / heads, f = 4 * c, n = windows * t;
    const p = this.#params, g = this.#grads, blas = this.#blas;
    const dOut = this.#dx;
    // out = h + gelu(ffnIn · W_fc + b_fc) · W_proj + b_proj
    addColumnSums(dOut, n, c, g, o.projBias);
    blas.sgemm(true, false, f, c, n, 1, a.gelu, 0, f, dOut, 0, c, 1, g, o.projWeight, c);
    blas.sgemm(false, true, n, f, c, 1, dOut, 0, c, p, o.projWeight, c, 0, this.#dHidden, 0, f);
    geluBackward(a.fc, a.fcTanh, this.#dHidden, n * f);
    addColumnSums(this.#dHidden, n, f, g, o.fcBias);
    const ffnIn = a.ffnLnOut ?? a.h;
    blas.sgemm(true, false, c, f, n, 1, ffnIn, 0, c, this.#dHidden, 0, f, 1, g, o.fcWeight, f);
    blas.sgemm(
      false,
      true,
      n,
      c,
      f,
      1,
      this.#dHidden,
      0,
      f,
      p,
      o.fcWeight,
      f,
      0,
      this.#dTemp,
      0,
      c,
    );
    // dh = dOut + d ffnIn (through LN₂ in the pre-LN wiring)
    const dh = this.#dh;
    if (a.ffnLnXHat && a.ffnLnSigma && o.ffnLnGain !== null && o.ffnLnBias !== null) {
      dh.set(dOut.subarray(0, n * c));
      layerNormBackward(
        this.#dTemp,
        a.ffnLnXHat,
        a.ffnLnSigma,
        p,
        o.ffnLnGain,
        g,
        g,
        { gain: o.ffnLnGain, bias: o.ffnLnBias },
        dh,
        true,
        n,
        c,
        LAYER_NORM_EPS,
      );
    } else {
      addInto(dh, dOut, this.#dTemp, n * c);
    }
    // h = x + heads · W_o:  d W_o += headsᵀ · dh;  d heads = dh · W_oᵀ
    blas.sgemm(true, false, c, c, n, 1, a.heads, 0, c, dh, 0, c, 1, g, o.wO, c);
    const dHeads = this.#dTemp;
    blas.sgemm(false, true, n, c, c, 1, dh, 0, c, p, o.wO, c, 0, dHeads, 0, c);
    const scale = 1 / Math.sqrt(d);
    const dScores = this.#dScores;
    for (let w = 0; w < windows; w++) {
      for (let head = 0; head < heads; head++) {
        const slice = w * t * c + head * d;
        const block = (w * heads + head) * t * t;
        // heads_h = P · V_h:  dP = d heads_h · V_hᵀ;  dV_h = Pᵀ · d heads_h
        blas.sgemm(false, true, t, t, d, 1, dHeads, slice, c, a.v, slice, c, 0, dScores, 0, t);
        blas.sgemm(
          true,
          false,
          t,
          d,
          t,
          1,
          a.probs,
          block,
          t,
          dHeads,
          slice,
          c,
          0,
          this.#dv,
          slice,
          c,
        );
        causalSoftmaxBackward(a.probs, block, dScores, t);
        // scores = Q_h · K_hᵀ with Q_h = LN(x)·W_q/√D:  dQ_raw = dS · K_h / √D;  dK_h = dSᵀ · Q_h
        blas.sgemm(
          false,
          false,
          t,
          d,
          t,
          scale,
          dScores,
          0,
          t,
          a.k,
          slice,
          c,
          0,
          this.#dq,
          slice,
          c,
        );
        blas.sgemm(true, false, t, d, t, 1, dScores, 0, t, a.q, slice, c, 0, this.#dk, slice, c);
      }
    }
    // Q, K, V = LN(x) · W:  d W += LN(x)ᵀ · dQ/dK/dV;  d LN(x) = Σ dQ/dK/dV · Wᵀ
    blas.sgemm(true, false, c, c, n, 1, a.lnOut, 0, c, this.#dq, 0, c, 1, g, o.wQ, c);
    blas.sgemm(true, false, c, c, n, 1, a.lnOut, 0, c, this.#dk, 0, c, 1, g, o.wK, c);
    blas.sgemm(true, false, c, c, n, 1, a.lnOut, 0, c, this.#dv, 0, c, 1, g, o.wV, c);
    const dLn = this.#temp;
    blas.sgemm(false, true, n, c, c, 1, this.#dq, 0, c, p, o.wQ, c, 0, dLn, 0, c);
    blas.sgemm(false, true, n, c, c, 1, this.#dk, 0, c, p, o.wK, c, 1, dLn, 0, c);
    blas.sgemm(false, true, n, c, c, 1, this.#dv, 0, c, p, o.wV, c, 1, dLn, 0, c);
    // x feeds both LN₁ and the residual: dx = dh + LN₁'(d LN(x))
    this.#dx.set(dh.subarray(0, n * c));
    layerNormBackward(
      dLn,
      a.lnXHat,
      a.lnSigma,
      p,
      o.lnGain,
      g,
      g,
      { gain: o.lnGain, bias: o.lnBias },
      this.#dx,
      true,
      n,
      c,
      LAYER_NORM_EPS,
    );
  }
}

import * as tf from "@tensorflow/tfjs-core";

/** AdamW's hyper-parameters; the defaults are optax's `adamw` (and the microGPT study's weight decay 0.01). */
export interface AdamWOptions {
  /** Decay of the first moment (default 0.9). */
  b1?: number;
  /** Decay of the second moment (default 0.999). */
  b2?: number;
  /** Added to sqrt(nuHat) in the denominator (default 1e-8). */
  eps?: number;
  /** Decoupled weight decay (default 0.01, the microGPT study's). */
  weightDecay?: number;
}

/**
 * AdamW with decoupled weight decay, the update optax's `adamw` makes (`scale_by_adam`, then
 * `add_decayed_weights`, then `scale_by_learning_rate`). With `t` = updates made so far + 1:
 *
 * ```
 * mu = b1 * mu + (1 - b1) * g          nu = b2 * nu + (1 - b2) * g^2
 * muHat = mu / (1 - b1^t)              nuHat = nu / (1 - b2^t)
 * update = muHat / (sqrt(nuHat) + eps) + weightDecay * param
 * param = param - lr * update
 * ```
 *
 * As in optax with no mask, the decay applies to every parameter (LayerNorm gains and biases included), as the
 * microGPT study's `optax.adamw(schedule, weight_decay=0.01)` did. The moments live in `tf.Variable`s, keyed like the
 * parameters, so a checkpoint can save and restore them.
 */
export class AdamW {
  /** Decay of the first moment. */
  readonly b1: number;
  /** Decay of the second moment. */
  readonly b2: number;
  /** Added to sqrt(nuHat) in the denominator. */
  readonly eps: number;
  /** Decoupled weight decay. */
  readonly weightDecay: number;
  /** Updates made so far (optax's `count`). */
  count = 0;
  /** First moments, keyed by parameter name. */
  readonly mu = new Map<string, tf.Variable>();
  /** Second moments, keyed by parameter name. */
  readonly nu = new Map<string, tf.Variable>();

  /** Zero moments for every parameter of `params`. */
  constructor(params: Map<string, tf.Variable>, options: AdamWOptions = {}) {
    this.b1 = options.b1 ?? 0.9;
    this.b2 = options.b2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? 0.01;
    for (const [name, param] of params) {
      // Unnamed variables: tfjs registers names globally, and two runs (or a resume test) may coexist.
      this.mu.set(name, tf.tidy(() => tf.variable(tf.zerosLike(param), false)));
      this.nu.set(name, tf.tidy(() => tf.variable(tf.zerosLike(param), false)));
    }
  }

  /** Applies one update with learning rate `lr` to every parameter that has a gradient in `gradients`. */
  update(
    params: Map<string, tf.Variable>,
    gradients: Map<string, tf.Tensor>,
    lr: number,
  ): void {
    const t = this.count + 1;
    // optax computes the bias corrections 1 - b^t in float32 and divides the moments by them.
    const correction1 = 1 - this.b1 ** t;
    const correction2 = 1 - this.b2 ** t;
    tf.tidy(() => {
      const b1 = tf.scalar(this.b1), oneMinusB1 = tf.scalar(1 - this.b1);
      const b2 = tf.scalar(this.b2), oneMinusB2 = tf.scalar(1 - this.b2);
      const c1 = tf.scalar(correction1), c2 = tf.scalar(correction2);
      const eps = tf.scalar(this.eps), decay = tf.scalar(this.weightDecay), rate = tf.scalar(lr);
      for (const [name, gradient] of gradients) {
        const param = params.get(name), mu = this.mu.get(name), nu = this.nu.get(name);
        if (!param || !mu || !nu) throw new Error(`AdamW: no parameter named '${name}'`);
        const newMu = tf.add(tf.mul(oneMinusB1, gradient), tf.mul(b1, mu));
        const newNu = tf.add(tf.mul(oneMinusB2, tf.square(gradient)), tf.mul(b2, nu));
        const muHat = tf.div(newMu, c1);
        const nuHat = tf.div(newNu, c2);
        const step = tf.add(tf.div(muHat, tf.add(tf.sqrt(nuHat), eps)), tf.mul(decay, param));
        mu.assign(newMu);
        nu.assign(newNu);
        param.assign(tf.sub(param, tf.mul(rate, step)));
      }
    });
    this.count = t;
  }

  /** Frees the moment variables. */
  dispose(): void {
    for (const variable of [...this.mu.values(), ...this.nu.values()]) variable.dispose();
    this.mu.clear();
    this.nu.clear();
  }
}

import type { ParamMap } from './awdLstm';
import * as tf from './tf';
import { variableOf } from './tidy';

/**
 * Adam with decoupled weight decay, written out so that its moments are plain named tensors a
 * checkpoint can store and restore exactly (resuming must continue the same optimisation).
 */
export class Adam {
  readonly m = new Map<string, tf.Variable>();
  readonly v = new Map<string, tf.Variable>();
  step = 0;

  constructor(
    private readonly params: ParamMap,
    readonly beta1: number,
    readonly beta2: number,
    readonly weightDecay: number,
    readonly eps = 1e-8,
  ) {
    for (const [name, p] of params) {
      this.m.set(
        name,
        variableOf(() => tf.zerosLike(p), false, `adam_m_${name}_${Math.random()}`),
      );
      this.v.set(
        name,
        variableOf(() => tf.zerosLike(p), false, `adam_v_${name}_${Math.random()}`),
      );
    }
  }

  apply(grads: Map<string, tf.Tensor>, lr: number): void {
    this.step++;
    const bc1 = 1 - this.beta1 ** this.step;
    const bc2 = 1 - this.beta2 ** this.step;
    for (const [name, p] of this.params) {
      const g = grads.get(name);
      if (!g) continue;
      const m = this.m.get(name)!;
      const v = this.v.get(name)!;
      // A few temporaries at a time: a chordwise embedding's are 37 MB each, and one tidy over the
      // whole update held 13 of them (480 MB) at once, which grew the wasm heap (which never
      // shrinks) by 450 MB past the gradient's own peak. Same operations, same order, same result.
      assignFrom(m, () => tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1)));
      assignFrom(v, () => tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2)));
      const update = tf.tidy(() => tf.div(tf.div(m, bc1), tf.add(tf.sqrt(tf.div(v, bc2)), this.eps)));
      assignFrom(p, () => tf.sub(this.weightDecay > 0 ? tf.mul(p, 1 - lr * this.weightDecay) : p, tf.mul(update, lr)));
      update.dispose();
    }
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
  }
}

/** Sets a variable to what `fn` computes, its temporaries freed first (the variable keeps the value). */
function assignFrom(v: tf.Variable, fn: () => tf.Tensor): void {
  const t = tf.tidy(fn);
  v.assign(t);
  t.dispose();
}

/** Scales gradients so that their global L2 norm is at most `maxNorm`; returns the norm before. */
export async function clipByGlobalNorm(grads: Map<string, tf.Tensor>, maxNorm: number): Promise<number> {
  const normT = tf.tidy(() => tf.sqrt(tf.addN([...grads.values()].map((g) => tf.sum(tf.square(g))))));
  const norm = (await normT.data())[0]!;
  normT.dispose();
  if (maxNorm > 0 && norm > maxNorm) {
    const scale = maxNorm / (norm + 1e-6);
    for (const [k, g] of grads) {
      grads.set(k, tf.mul(g, scale));
      g.dispose();
    }
  }
  return norm;
}

import * as tf from './tf';
import { cellBackward, cellForward, fusedCellActive } from './webgpuCell';

/**
 * One LSTM layer written for speed on CPU backends: the input projection for every time step is one
 * matmul, each step is a handful of large ops, and the backward pass through time is written by
 * hand (tf.customGrad) so that the weight gradients are one matmul each over all steps instead of
 * one per step. Gate columns are ordered i, f, o, g (the three sigmoids together, then the tanh).
 *
 * Shapes: x [T, B, I]; wx [I, 4H]; wh [H, 4H]; b [4H]; h0, c0 [B, H]; output [T, B, H].
 */
export interface LstmWeights {
  wx: tf.Tensor2D;
  wh: tf.Tensor2D;
  b: tf.Tensor1D;
}

export interface LstmState {
  h: tf.Tensor2D;
  c: tf.Tensor2D;
}

/** Frees hidden states that are no longer carried forward. */
export function disposeStates(states: readonly LstmState[]): void {
  for (const s of states) {
    s.h.dispose();
    s.c.dispose();
  }
}

export interface LstmResult {
  output: tf.Tensor3D;
  /** Final state, detached from the gradient: truncated BPTT carries it into the next window. */
  state: LstmState;
}

function stepForward(
  xw: tf.Tensor2D,
  h: tf.Tensor2D,
  c: tf.Tensor2D,
  wh: tf.Tensor2D,
  H: number,
): { s: tf.Tensor2D; g: tf.Tensor2D; c: tf.Tensor2D; tc: tf.Tensor2D; h: tf.Tensor2D } {
  const z = tf.add(xw, tf.matMul(h, wh)) as tf.Tensor2D;
  const [zs, zg] = tf.split(z, [3 * H, H], 1) as [tf.Tensor2D, tf.Tensor2D];
  const s = tf.sigmoid(zs);
  const g = tf.tanh(zg);
  const [i, f, o] = tf.split(s, 3, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
  const cNext = tf.add(tf.mul(f, c), tf.mul(i, g)) as tf.Tensor2D;
  const tc = tf.tanh(cNext);
  const hNext = tf.mul(o, tc) as tf.Tensor2D;
  return { s, g, c: cNext, tc, h: hNext };
}

/** Forward pass without gradient bookkeeping, for evaluation and generation. */
export function lstmInfer(x: tf.Tensor3D, w: LstmWeights, state: LstmState): LstmResult {
  const [T, B, I] = x.shape;
  const H = w.wh.shape[0];
  return tf.tidy(() => {
    const xw = tf.add(tf.matMul(tf.reshape(x, [T * B, I]), w.wx), w.b);
    const steps = tf.unstack(tf.reshape(xw, [T, B, 4 * H])) as tf.Tensor2D[];
    const fused = fusedCellActive();
    let h = state.h;
    let c = state.c;
    const hs: tf.Tensor2D[] = [];
    for (let t = 0; t < T; t++) {
      if (fused) {
        const p = cellForward(steps[t]!, tf.matMul(h, w.wh), c);
        c = tf.slice(p, [0, 4 * H], [B, H]);
        h = tf.slice(p, [0, 5 * H], [B, H]);
      } else {
        const r = stepForward(steps[t]!, h, c, w.wh, H);
        h = r.h;
        c = r.c;
      }
      hs.push(h);
    }
    return { output: tf.stack(hs) as tf.Tensor3D, state: { h, c } };
  });
}

/** What the backward pass reads of a forward pass, time-major: gates, candidate, tanh(c), states. */
interface Recorded {
  s: tf.Tensor3D;
  g: tf.Tensor3D;
  tc: tf.Tensor3D;
  hs: tf.Tensor2D[];
  cs: tf.Tensor2D[];
}

/** The forward recurrence op by op (CPU backends). */
function forwardOps(steps: tf.Tensor2D[], state: LstmState, wh: tf.Tensor2D, H: number): Recorded {
  let h = state.h;
  let c = state.c;
  const S: tf.Tensor2D[] = [];
  const G: tf.Tensor2D[] = [];
  const TC: tf.Tensor2D[] = [];
  const hs: tf.Tensor2D[] = [];
  const cs: tf.Tensor2D[] = [];
  for (const xw of steps) {
    // A step's dozen temporaries are freed with it, not held to the end of the window: with 100
    // steps and three layers they made a third of a training step's peak memory.
    const r = tf.tidy(() => stepForward(xw, h, c, wh, H));
    S.push(r.s);
    G.push(r.g);
    TC.push(r.tc);
    hs.push(r.h);
    cs.push(r.c);
    h = r.h;
    c = r.c;
  }
  return { s: tf.stack(S) as tf.Tensor3D, g: tf.stack(G) as tf.Tensor3D, tc: tf.stack(TC) as tf.Tensor3D, hs, cs };
}

/** The forward recurrence with one fused cell dispatch a step (webgpu); gates sliced out once, time-parallel. */
function forwardFused(steps: tf.Tensor2D[], state: LstmState, wh: tf.Tensor2D, H: number): Recorded {
  const B = state.h.shape[0];
  let h = state.h;
  let c = state.c;
  const packed: tf.Tensor2D[] = [];
  const hs: tf.Tensor2D[] = [];
  const cs: tf.Tensor2D[] = [];
  for (const xw of steps) {
    const p = cellForward(xw, tf.matMul(h, wh), c);
    c = tf.slice(p, [0, 4 * H], [B, H]);
    h = tf.slice(p, [0, 5 * H], [B, H]);
    packed.push(p);
    hs.push(h);
    cs.push(c);
  }
  const all = tf.stack(packed) as tf.Tensor3D;
  const T = steps.length;
  return {
    s: tf.slice(all, [0, 0, 0], [T, B, 3 * H]),
    g: tf.slice(all, [0, 0, 3 * H], [T, B, H]),
    tc: tf.tanh(tf.slice(all, [0, 0, 4 * H], [T, B, H])),
    hs,
    cs,
  };
}

/**
 * Forward pass that records what the hand-written backward needs. The returned output carries the
 * gradient to x, wx, wh and b; the final state does not (it is detached, as truncated BPTT wants).
 */
export function lstmTrain(x: tf.Tensor3D, w: LstmWeights, state: LstmState): LstmResult {
  const [T, B, I] = x.shape;
  const H = w.wh.shape[0];
  const fused = fusedCellActive();
  let finalState: LstmState | null = null;

  const op = tf.customGrad((...args: Array<tf.Tensor | ((save: tf.Tensor[]) => void)>) => {
    const [xIn, wx, wh, b, save] = args as [
      tf.Tensor3D,
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor1D,
      (ts: tf.Tensor[]) => void,
    ];
    // Inputs the backward pass reads must be saved: the engine frees unsaved ones after the forward.
    save([xIn, wx, wh]);
    const x2d = tf.reshape(xIn, [T * B, I]) as tf.Tensor2D;
    // Everything the backward pass reads, computed once and kept until it runs.
    const kept = tf.tidy(() => {
      const xw = tf.add(tf.matMul(x2d, wx), b);
      const steps = tf.unstack(tf.reshape(xw, [T, B, 4 * H])) as tf.Tensor2D[];
      const { s, g, tc, hs, cs } = (fused ? forwardFused : forwardOps)(steps, state, wh, H);
      const h = hs[T - 1]!;
      const c = cs[T - 1]!;
      const hPrev = tf.stack([state.h, ...hs.slice(0, -1)]) as tf.Tensor3D;
      const cPrev = tf.stack([state.c, ...cs.slice(0, -1)]) as tf.Tensor3D;
      const [i, f, o] = tf.split(s, 3, 2) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
      const one = tf.scalar(1);
      // Per-step factors of the backward recurrence, all computed here in a few time-parallel ops:
      //   dc_t = dh_t * k_t + dc_{t+1} * f_{t+1};   dz_t = [dc, dc, dh, dc]_t * m_t
      const k = tf.mul(o, tf.sub(one, tf.square(tc)));
      const m = tf.concat(
        [
          tf.mul(g, tf.mul(i, tf.sub(one, i))),
          tf.mul(cPrev, tf.mul(f, tf.sub(one, f))),
          tf.mul(tc, tf.mul(o, tf.sub(one, o))),
          tf.mul(i, tf.sub(one, tf.square(g))),
        ],
        2,
      );
      return {
        output: tf.stack(hs) as tf.Tensor3D,
        hLast: h,
        cLast: c,
        hPrev2d: tf.reshape(hPrev, [T * B, H]) as tf.Tensor2D,
        k,
        m,
        f,
      };
    });
    finalState = { h: tf.keep(kept.hLast.clone()), c: tf.keep(kept.cLast.clone()) };
    tf.keep(kept.hPrev2d);
    tf.keep(kept.k);
    tf.keep(kept.m);
    tf.keep(kept.f);
    const release = (): void => {
      kept.hPrev2d.dispose();
      kept.k.dispose();
      kept.m.dispose();
      kept.f.dispose();
    };

    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
      const [xSaved, wxSaved, whSaved] = saved as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D];
      try {
        const whT = tf.transpose(whSaved);
        const dz: tf.Tensor2D[] = new Array(T);
        let dzNext: tf.Tensor2D | null = null;
        let dcNext: tf.Tensor2D | null = null;
        const zero = fused ? (tf.zeros([B, H]) as tf.Tensor2D) : null;
        // Step t's slice of a time-major [T, B, n] tensor (sliced a step at a time, not unstacked
        // whole: the copies of all steps at once cost 46 MB a layer).
        const at = (x: tf.Tensor, t: number): tf.Tensor2D => {
          const n = x.shape[2]!;
          return tf.reshape(tf.slice(x, [t, 0, 0], [1, B, n]), [B, n]);
        };
        for (let t = T - 1; t >= 0; t--) {
          const prevDc = dcNext;
          // Only the step's dz (joined below) and dc (read by the next step) outlive it.
          const r = tf.tidy(() => {
            const fNext = t + 1 < T ? at(kept.f, t + 1) : null;
            if (zero) {
              const dhw = dzNext ? (tf.matMul(dzNext, whT) as tf.Tensor2D) : zero;
              const q = cellBackward(at(dy, t), dhw, at(kept.k, t), fNext ?? zero, prevDc ?? zero, at(kept.m, t));
              return { dz: tf.slice(q, [0, 0], [B, 4 * H]), dc: tf.slice(q, [0, 4 * H], [B, H]) };
            }
            const dOutT = at(dy, t);
            const dh: tf.Tensor2D = dzNext ? (tf.add(dOutT, tf.matMul(dzNext, whT)) as tf.Tensor2D) : dOutT;
            const dcHere = tf.mul(dh, at(kept.k, t)) as tf.Tensor2D;
            const dc: tf.Tensor2D = prevDc ? (tf.add(dcHere, tf.mul(prevDc, fNext!)) as tf.Tensor2D) : dcHere;
            return { dz: tf.mul(tf.concat([dc, dc, dh, dc], 1), at(kept.m, t)) as tf.Tensor2D, dc };
          });
          prevDc?.dispose();
          dz[t] = r.dz;
          dzNext = r.dz;
          dcNext = r.dc;
        }
        dcNext?.dispose();
        const dz2d = tf.concat(dz, 0) as tf.Tensor2D;
        // Explicit transposes: the wasm backend's matMul with transposeA/B set runs 10-30x slower.
        const dx = tf.reshape(tf.matMul(dz2d, tf.transpose(wxSaved)), [T, B, I]);
        const dwx = tf.matMul(tf.transpose(tf.reshape(xSaved, [T * B, I])), dz2d);
        const dwh = tf.matMul(tf.transpose(kept.hPrev2d), dz2d);
        const db = tf.sum(dz2d, 0);
        return [dx, dwx, dwh, db];
      } finally {
        release();
      }
    };
    return { value: kept.output, gradFunc };
  });

  const output = op(x, w.wx, w.wh, w.b) as tf.Tensor3D;
  return { output, state: finalState! };
}

import * as tf from './tf';

/**
 * The LSTM cell as one WebGPU dispatch per step and direction, where the op-by-op cell costs ten:
 * on a GPU the per-step time is dispatch overhead, not arithmetic. Registered for the webgpu
 * backend only (backend.ts); lstm.ts uses them when that backend runs and the plain ops elsewhere.
 *
 * Forward  (xw [B,4H], hw [B,4H], c [B,H]) → [B,6H]: i, f, o, g (gates), c', h'.
 * Backward (dOut, dhw, k, fNext, dcNext [B,H], m [B,4H]) → [B,5H]: dz = [dc,dc,dh,dc]·m, then dc,
 *   with dh = dOut + dhw and dc = dh·k + dcNext·fNext (the recurrence of lstm.ts).
 */
export const CELL_FORWARD = 'ClaraLstmCellForward';
export const CELL_BACKWARD = 'ClaraLstmCellBackward';

/** The part of tfjs-backend-webgpu's WebGPUProgram these kernels fill in. */
interface CellProgram {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  uniforms: string;
  getUserCode: () => string;
}

interface WebGpuBackendLike {
  runWebGPUProgram(
    program: CellProgram,
    inputs: tf.TensorInfo[],
    dtype: tf.DataType,
    uniforms: Array<{ type: string; data: number[] }>,
  ): tf.TensorInfo;
}

const WORKGROUP = 64;

function program(key: string, names: string[], rows: number, hidden: number, width: number, body: string): CellProgram {
  const threads = rows * hidden;
  return {
    variableNames: names,
    outputShape: [rows, width * hidden],
    shaderKey: key,
    dispatchLayout: { x: [0] },
    dispatch: [Math.ceil(threads / WORKGROUP), 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    uniforms: 'rows : i32, hidden : i32,',
    getUserCode: () => `
      fn sigm(x : f32) -> f32 { return 1.0 / (1.0 + exp(-x)); }
      fn main(index : i32) {
        let H = uniforms.hidden;
        if (index >= uniforms.rows * H) { return; }
        let b = index / H;
        let j = index - b * H;
        ${body}
      }`,
  };
}

const FORWARD_BODY = `
        let z = b * 4 * H + j;
        let i = sigm(XW[z] + HW[z]);
        let f = sigm(XW[z + H] + HW[z + H]);
        let o = sigm(XW[z + 2 * H] + HW[z + 2 * H]);
        let g = tanh(XW[z + 3 * H] + HW[z + 3 * H]);
        let cn = f * C[b * H + j] + i * g;
        let out = b * 6 * H + j;
        setOutputAtIndex(out, i);
        setOutputAtIndex(out + H, f);
        setOutputAtIndex(out + 2 * H, o);
        setOutputAtIndex(out + 3 * H, g);
        setOutputAtIndex(out + 4 * H, cn);
        setOutputAtIndex(out + 5 * H, o * tanh(cn));`;

const BACKWARD_BODY = `
        let at = b * H + j;
        let dh = DOUT[at] + DHW[at];
        let dc = dh * K[at] + DCN[at] * FN[at];
        let m = b * 4 * H + j;
        let out = b * 5 * H + j;
        setOutputAtIndex(out, dc * M[m]);
        setOutputAtIndex(out + H, dc * M[m + H]);
        setOutputAtIndex(out + 2 * H, dh * M[m + 2 * H]);
        setOutputAtIndex(out + 3 * H, dc * M[m + 3 * H]);
        setOutputAtIndex(out + 4 * H, dc);`;

let installed = false;

/** Registers both kernels with the webgpu backend (once). */
export function installWebgpuCellKernels(): void {
  if (installed) return;
  installed = true;
  tf.registerKernel({
    kernelName: CELL_FORWARD,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend }) => {
      const { xw, hw, c } = inputs as { xw: tf.TensorInfo; hw: tf.TensorInfo; c: tf.TensorInfo };
      const [B, H] = c.shape as [number, number];
      const p = program('clara_lstm_fwd', ['XW', 'HW', 'C'], B, H, 6, FORWARD_BODY);
      return (backend as unknown as WebGpuBackendLike).runWebGPUProgram(p, [xw, hw, c], 'float32', [
        { type: 'int32', data: [B] },
        { type: 'int32', data: [H] },
      ]);
    },
  });
  tf.registerKernel({
    kernelName: CELL_BACKWARD,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend }) => {
      const { dOut, dhw, k, fNext, dcNext, m } = inputs as Record<string, tf.TensorInfo>;
      const [B, H] = dOut!.shape as [number, number];
      const p = program('clara_lstm_bwd', ['DOUT', 'DHW', 'K', 'FN', 'DCN', 'M'], B, H, 5, BACKWARD_BODY);
      return (backend as unknown as WebGpuBackendLike).runWebGPUProgram(
        p,
        [dOut!, dhw!, k!, fNext!, dcNext!, m!],
        'float32',
        [
          { type: 'int32', data: [B] },
          { type: 'int32', data: [H] },
        ],
      );
    },
  });
}

/** Whether the fused cell kernels serve the backend that runs now. */
export function fusedCellActive(): boolean {
  return installed && tf.getBackend() === 'webgpu';
}

/** One forward cell step: [B,6H] = i, f, o, g, c', h'. */
export function cellForward(xw: tf.Tensor2D, hw: tf.Tensor2D, c: tf.Tensor2D): tf.Tensor2D {
  return tf.engine().runKernel(CELL_FORWARD, { xw, hw, c }, {}) as tf.Tensor2D;
}

/** One backward cell step: [B,5H] = dz (4H), dc (H). */
export function cellBackward(
  dOut: tf.Tensor2D,
  dhw: tf.Tensor2D,
  k: tf.Tensor2D,
  fNext: tf.Tensor2D,
  dcNext: tf.Tensor2D,
  m: tf.Tensor2D,
): tf.Tensor2D {
  return tf.engine().runKernel(CELL_BACKWARD, { dOut, dhw, k, fNext, dcNext, m }, {}) as tf.Tensor2D;
}

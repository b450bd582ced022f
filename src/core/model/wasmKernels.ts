import * as tf from './tf';

/**
 * Faster Slice, SplitV and Unpack kernels for the wasm backend. tfjs-backend-wasm 4.22 reads the
 * *whole* input out of the wasm heap (a full copy) for every slice, so unstacking a [100, 32, 2048]
 * tensor took over a second and the LSTM ran at ~1 GFLOP/s. These read the input through a view of
 * the heap and copy only the slice.
 */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

type Info = tf.TensorInfo;

function sliceInto(backend: WasmBackendLike, x: Info, begin: number[], size: number[]): Info {
  const out = backend.makeOutput(size, x.dtype);
  const n = size.reduce((a, b) => a * b, 1);
  if (n === 0) return out;
  // Views after makeOutput: allocating may grow (and move) the heap.
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const strides = tf.util.computeStrides(x.shape);
  if (tf.slice_util.isSliceContinous(x.shape, begin, size)) {
    const off = tf.slice_util.computeFlatOffset(begin, strides);
    dst.set(src.subarray(off, off + n));
    return out;
  }
  // Copy the innermost contiguous runs.
  const rank = x.shape.length;
  const inner = size[rank - 1]!;
  const outer = n / inner;
  const idx = new Array<number>(rank - 1).fill(0);
  for (let r = 0; r < outer; r++) {
    let off = begin[rank - 1]!;
    for (let d = 0; d < rank - 1; d++) off += (begin[d]! + idx[d]!) * strides[d]!;
    dst.set(src.subarray(off, off + inner), r * inner);
    for (let d = rank - 2; d >= 0; d--) {
      if (++idx[d]! < size[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** Concatenation along any axis as block copies between heap views. */
function concatInto(backend: WasmBackendLike, inputs: Info[], axis: number): Info {
  const first = inputs[0]!;
  const outShape = first.shape.slice();
  outShape[axis] = inputs.reduce((s, t) => s + t.shape[axis]!, 0);
  const out = backend.makeOutput(outShape, first.dtype);
  const outer = first.shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const blocks = inputs.map((t) => t.shape.slice(axis).reduce((a, b) => a * b, 1));
  const row = blocks.reduce((a, b) => a + b, 0);
  const dst = backend.typedArrayFromHeap(out);
  inputs.forEach((t, i) => {
    const block = blocks[i]!;
    if (block === 0) return;
    const src = backend.typedArrayFromHeap(t);
    let at = blocks.slice(0, i).reduce((a, b) => a + b, 0);
    for (let r = 0; r < outer; r++, at += row) dst.set(src.subarray(r * block, (r + 1) * block), at);
  });
  return out;
}

let installed = false;

export function installFastWasmKernels(): void {
  if (installed) return;
  installed = true;
  const original = {
    slice: tf.getKernel(tf.Slice, 'wasm'),
    splitV: tf.getKernel(tf.SplitV, 'wasm'),
    unpack: tf.getKernel(tf.Unpack, 'wasm'),
    concat: tf.getKernel(tf.Concat, 'wasm'),
  };
  const replace = (name: string, fn: tf.KernelFunc, fallback: tf.KernelConfig | undefined): void => {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({
      kernelName: name,
      backendName: 'wasm',
      kernelFunc: (args) => {
        const x = (args.inputs.x ?? args.inputs.value ?? Object.values(args.inputs)[0]) as Info;
        if (x.dtype === 'string' && fallback) return fallback.kernelFunc(args);
        return fn(args);
      },
    });
  };
  replace(
    tf.Slice,
    ({ inputs, attrs, backend }) => {
      const x = inputs.x as Info;
      const [begin, size] = tf.slice_util.parseSliceParams(x, attrs!.begin as number[], attrs!.size as number[]);
      return sliceInto(backend as unknown as WasmBackendLike, x, begin as number[], size as number[]);
    },
    original.slice,
  );
  replace(
    tf.Concat,
    ({ inputs, attrs, backend }) => {
      const xs = Object.values(inputs) as Info[];
      const axis = tf.util.parseAxisParam(attrs!.axis as number, xs[0]!.shape)[0]!;
      const nonEmpty = xs.filter((t) => tf.util.sizeFromShape(t.shape) > 0);
      if (nonEmpty.length === 0 || xs.some((t) => t.dtype !== xs[0]!.dtype || t.dtype === 'complex64'))
        return original.concat!.kernelFunc({ inputs, attrs, backend });
      return concatInto(backend as unknown as WasmBackendLike, nonEmpty, axis);
    },
    original.concat,
  );
  replace(
    tf.SplitV,
    ({ inputs, attrs, backend }) => {
      const x = inputs.x as Info;
      const axis = tf.util.parseAxisParam(attrs!.axis as number, x.shape)[0]!;
      const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, attrs!.numOrSizeSplits as number[] | number, axis);
      const begin = new Array<number>(x.shape.length).fill(0);
      return sizes.map((s) => {
        const size = x.shape.slice();
        size[axis] = s;
        const out = sliceInto(backend as unknown as WasmBackendLike, x, begin.slice(), size);
        begin[axis]! += s;
        return out;
      });
    },
    original.splitV,
  );
  replace(
    tf.Unpack,
    ({ inputs, attrs, backend }) => {
      const x = inputs.value as Info;
      let axis = attrs!.axis as number;
      if (axis < 0) axis += x.shape.length;
      const outShape = x.shape.filter((_, i) => i !== axis);
      const size = x.shape.slice();
      size[axis] = 1;
      const outs: Info[] = [];
      for (let i = 0; i < x.shape[axis]!; i++) {
        const begin = new Array<number>(x.shape.length).fill(0);
        begin[axis] = i;
        const o = sliceInto(backend as unknown as WasmBackendLike, x, begin, size);
        outs.push({ dataId: o.dataId, dtype: o.dtype, shape: outShape });
      }
      return outs;
    },
    original.unpack,
  );
}

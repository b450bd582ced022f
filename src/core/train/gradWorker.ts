/**
 * A data-parallel gradient worker (a worker thread with its own TensorFlow.js backend): holds a
 * replica of the model, reads the weights the trainer publishes, computes its share of each
 * batch's gradient into a shared buffer, and keeps its share's hidden state from window to window.
 * The optimiser step itself happens once, in the trainer.
 */
import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../errors';
import { AwdLstm } from '../model/awdLstm';
import { initBackend } from '../model/backend';
import { disposeStates, type LstmState } from '../model/lstm';
import { computeGradients, evalSums } from '../model/trainStep';
import * as tf from '../model/tf';
import { FAULT_ENV, type FromWorker, type ParamLayout, type ToWorker } from './gradProtocol';

interface Replica {
  model: AwdLstm;
  layout: ParamLayout;
  weights: Float32Array;
  grads: Float32Array;
  version: number;
  hidden: LstmState[] | null;
  steps: number;
}

let replica: Replica | null = null;
const faultAt = Number(process.env[FAULT_ENV] ?? 0);

function loadWeights(r: Replica, version: number): void {
  if (r.version === version) return;
  const params = r.model.params();
  r.layout.names.forEach((name, i) => {
    const off = r.layout.offsets[i]!;
    const shape = r.layout.shapes[i]!;
    const size = shape.reduce((a, b) => a * b, 1);
    // A copy: the cpu backend would otherwise keep a view of the buffer the trainer rewrites.
    const t = tf.tensor(r.weights.slice(off, off + size), shape);
    params.get(name)!.assign(t);
    t.dispose();
  });
  r.version = version;
}

async function handle(msg: ToWorker): Promise<FromWorker | null> {
  if (msg.type === 'init') {
    await initBackend(msg.backend, 'train');
    replica = {
      model: new AwdLstm(msg.config),
      layout: msg.layout,
      weights: new Float32Array(msg.weights),
      grads: new Float32Array(msg.grads),
      version: -1,
      hidden: null,
      steps: 0,
    };
    return { type: 'ready' };
  }
  const r = replica;
  if (!r) throw new Error('gradient worker used before init');
  loadWeights(r, msg.version);
  if (msg.type === 'load') return null;
  if (msg.type === 'eval') return { type: 'eval', sums: await evalSums(r.model, msg.windows) };
  r.steps++;
  if (faultAt > 0 && r.steps === faultAt) process.exit(70);
  const t0 = performance.now();
  if (msg.reset || !r.hidden) {
    if (r.hidden) disposeStates(r.hidden);
    r.hidden = r.model.zeroState(msg.rows.count);
  }
  const w = { inputs: msg.inputs, targets: msg.targets, T: msg.T, B: msg.rows.count };
  const g = await computeGradients(r.model, w, r.hidden, msg.seed, msg.reg, msg.rows);
  r.hidden = g.state;
  r.layout.names.forEach((name, i) => {
    const grad = g.grads.get(name);
    const size = r.layout.shapes[i]!.reduce((a, b) => a * b, 1);
    const at = r.layout.offsets[i]!;
    if (grad) r.grads.set(grad.dataSync() as Float32Array, at);
    else r.grads.fill(0, at, at + size);
    grad?.dispose();
  });
  return { type: 'step', loss: g.loss, ce: g.ce, correct: g.correct, ms: performance.now() - t0 };
}

// One request at a time: the trainer waits for each answer before it sends the next. A `load`
// runs synchronously to its end, so it is done before the request queued behind it starts.
parentPort!.on('message', (msg: ToWorker) => {
  handle(msg).then(
    (reply) => reply && parentPort!.postMessage(reply),
    (err: unknown) => parentPort!.postMessage({ type: 'error', message: errorMessage(err) } satisfies FromWorker),
  );
});

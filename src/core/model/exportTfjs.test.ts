import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { AwdLstm } from './awdLstm';
import { initBackend } from './backend';
import { exportTfjs } from './exportTfjs';
import * as tf from './tf';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('export to plain TensorFlow.js', () => {
  it('writes a LayersModel that tf.loadLayersModel reads and that predicts what our model predicts', async () => {
    const model = new AwdLstm(
      {
        vocabSize: 20,
        embSize: 8,
        hiddenSize: 12,
        layers: 3,
        dropoutEmb: 0.1,
        dropoutInput: 0.1,
        dropoutHidden: 0.1,
        dropoutOutput: 0.1,
        weightDrop: 0.2,
      },
      5,
    );
    // Give the biases something to say, so gate order mistakes would show.
    model.layers.forEach((l) => l.b.assign(tf.randomNormal(l.b.shape, 0, 0.5, 'float32', 9)));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-export-'));
    await exportTfjs(model, dir, { vocab: [] });
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    const weightData = fs.readFileSync(path.join(dir, 'weights.bin'));
    const loaded = await tfl.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength),
      }),
    );
    const seq = [3, 7, 1, 19, 4, 4, 12];
    const probs = tf.reshape(loaded.predict(tf.tensor2d([seq], [1, seq.length])) as tf.Tensor, [seq.length, 20]);
    const ours = tf.softmax(
      model.logits(
        tf.tensor2d(
          seq.map((s) => [s]),
          [seq.length, 1],
          'int32',
        ),
        model.zeroState(1),
      ).logits,
    );
    expect(tf.max(tf.abs(tf.sub(probs, ours))).dataSync()[0]).toBeLessThan(1e-5);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

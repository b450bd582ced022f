import fs from 'node:fs';
import path from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import type { AwdLstm } from './awdLstm';
import { ClaraError } from '../errors';
import { layerSizes } from './presets';
import * as tf from './tf';

/** Our gate columns are i, f, o, g; Keras (and tfjs-layers) order them i, f, c(=g), o. */
function toKerasGates(w: tf.Tensor, H: number): tf.Tensor {
  return tf.tidy(() => {
    const axis = w.rank - 1;
    const [i, f, o, g] = tf.split(w, [H, H, H, H], axis);
    return tf.concat([i!, f!, g!, o!], axis);
  });
}

/**
 * The trained network as a plain TensorFlow.js LayersModel: Embedding → LSTM × n (sigmoid
 * recurrent activation, returning sequences) → Dense softmax, the decoder's weights copied from the
 * tied embedding. Dropouts are training-only and vanish. Input: token ids [batch, time]; output:
 * next-token probabilities [batch, time, vocab].
 */
export function toLayersModel(model: AwdLstm): tfl.LayersModel {
  const c = model.config;
  const seq = tfl.sequential();
  seq.add(
    tfl.layers.embedding({
      inputDim: c.vocabSize,
      outputDim: c.embSize,
      inputShape: [null as unknown as number],
      embeddingsInitializer: 'zeros',
      name: 'embedding',
    }),
  );
  layerSizes(c).forEach(({ hidden }, l) => {
    // Zero initialisers: the weights are set right after, and tfjs-layers' orthogonal initialiser
    // needs tfjs-core's chained ops, which its CommonJS build in Node lacks.
    seq.add(
      tfl.layers.lstm({
        units: hidden,
        returnSequences: true,
        recurrentActivation: 'sigmoid',
        unitForgetBias: false,
        kernelInitializer: 'zeros',
        recurrentInitializer: 'zeros',
        name: `lstm_${l}`,
      }),
    );
  });
  seq.add(tfl.layers.dense({ units: c.vocabSize, activation: 'softmax', kernelInitializer: 'zeros', name: 'decoder' }));
  const weights: tf.Tensor[] = [model.emb];
  model.layers.forEach((l, i) => {
    const H = layerSizes(c)[i]!.hidden;
    weights.push(toKerasGates(l.wx, H), toKerasGates(l.wh, H), toKerasGates(l.b, H));
  });
  weights.push(tf.transpose(model.emb), model.decBias);
  seq.setWeights(weights);
  return seq;
}

/** Writes model.json + weights.bin (loadable with tf.loadLayersModel) and clara.json (vocabulary, encoding). */
export async function exportTfjs(model: AwdLstm, outDir: string, extra: Record<string, unknown>): Promise<string[]> {
  if (model.tail)
    throw new ClaraError(
      'this model uses a split softmax (a large chordwise vocabulary), which a plain LayersModel cannot express',
      'unsupported',
      'checkpoint',
    );
  fs.mkdirSync(outDir, { recursive: true });
  const layers = toLayersModel(model);
  await layers.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData as ArrayBuffer;
      fs.writeFileSync(path.join(outDir, 'weights.bin'), Buffer.from(data));
      fs.writeFileSync(
        path.join(outDir, 'model.json'),
        JSON.stringify({
          format: 'layers-model',
          generatedBy: 'Clara Studio',
          convertedBy: null,
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
        }),
      );
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  fs.writeFileSync(
    path.join(outDir, 'clara.json'),
    JSON.stringify({ format: 'clara-tfjs-export', version: 1, ...extra }, null, 2),
  );
  layers.dispose();
  return ['model.json', 'weights.bin', 'clara.json'].map((f) => path.join(outDir, f));
}

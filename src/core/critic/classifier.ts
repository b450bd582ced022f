import fs from 'node:fs';
import path from 'node:path';
import type { ClassifierKind } from '../catalog/classifiers';
import { removeStaleTemp, writeDirAtomic } from '../atomicDir';
import { readFormatJson } from '../files';
import type { EncodingName, EncodingOptions } from '../encoding';
import type { AwdLstm } from '../model/awdLstm';
import { loadCheckpoint, readCheckpointMeta } from '../model/checkpoint';
import { Vocab } from '../train/vocab';
import { featureSize, poolFeatures } from './features';
import { ClassifierHead } from './head';
import { spreadWindows } from './windows';

export const CLASSIFIER_FORMAT = 'clara-classifier';
export type { ClassifierKind };

/** Held-out results, written with the classifier and into the catalog. */
export interface ClassifierMetrics {
  trainWindows: number;
  trainAccuracy: number;
  heldOutWindows: number;
  heldOutAccuracy: number;
  /** Accuracy of always answering the largest held-out class: what "above chance" is measured against. */
  chance: number;
  /** confusion[true][predicted], counts of held-out windows, in `classes` order. */
  confusion: number[][];
  /** Composers with too few pieces, merged into "other". */
  merged: string[];
  seconds: number;
}

export interface ClassifierMeta {
  format: typeof CLASSIFIER_FORMAT;
  version: 1;
  kind: ClassifierKind;
  /** Critic: ["generated", "human"]. Composer: composer names, "other" last when present. */
  classes: string[];
  /** The generator checkpoint the encoder comes from, as trained (for the record). */
  source: { path: string; runId: string; step: number };
  /** Where the frozen encoder's weights are, relative to the classifier's folder. */
  encoder: string;
  encoding: EncodingName;
  encodingOptions: EncodingOptions;
  window: number;
  head: { inputs: number; hidden: number; classes: number };
  metrics: ClassifierMetrics;
  createdAt: string;
}

/** A trained critic or composer classifier, ready to score token sequences. */
export class Classifier {
  private constructor(
    readonly dir: string,
    readonly meta: ClassifierMeta,
    readonly encoder: AwdLstm,
    readonly vocab: Vocab,
    private readonly head: ClassifierHead,
  ) {}

  static load(dir: string): Classifier {
    const meta = readFormatJson<ClassifierMeta>(
      path.join(dir, 'classifier.json'),
      CLASSIFIER_FORMAT,
      'classifier',
      'bad-classifier',
    );
    const { model, meta: cp } = loadCheckpoint(path.resolve(dir, meta.encoder));
    try {
      return new Classifier(
        dir,
        meta,
        model,
        new Vocab(cp.vocab),
        ClassifierHead.load(path.join(dir, 'head.bin'), meta.head),
      );
    } catch (err) {
      model.dispose();
      throw err;
    }
  }

  /** Class probabilities of each sequence: the mean over up to 8 windows spread across it. */
  classify(sequences: readonly Int32Array[]): Float32Array[] {
    const K = this.meta.classes.length;
    const windows: Int32Array[] = [];
    const owner: number[] = [];
    sequences.forEach((ids, i) => {
      for (const w of spreadWindows(ids, this.meta.window)) {
        windows.push(w);
        owner.push(i);
      }
    });
    const probs = this.head.predict(poolFeatures(this.encoder, windows));
    const out = sequences.map(() => new Float32Array(K));
    const counts = new Float64Array(sequences.length);
    probs.forEach((p, w) => {
      const i = owner[w]!;
      counts[i]!++;
      for (let k = 0; k < K; k++) out[i]![k]! += p[k]!;
    });
    out.forEach((p, i) => {
      for (let k = 0; k < K; k++) p[k]! /= counts[i]!;
    });
    return out;
  }

  dispose(): void {
    this.encoder.dispose();
    this.head.dispose();
  }
}

/**
 * Writes a classifier folder atomically. The encoder is the generator checkpoint's weights, frozen:
 * they are copied in (a run's `latest` is overwritten as training goes on) unless the checkpoint is
 * a bundled one, which never changes and is referenced instead.
 */
export function saveClassifier(
  dir: string,
  head: ClassifierHead,
  meta: Omit<ClassifierMeta, 'format' | 'version' | 'encoder'>,
  encoderDir: string,
  copyEncoder: boolean,
): void {
  // A classifier save that died half-way (its writer gone) is cleaned by the next save beside it.
  removeStaleTemp(path.dirname(dir));
  writeDirAtomic(dir, (tmp) => {
    let encoder: string;
    if (copyEncoder) {
      fs.mkdirSync(path.join(tmp, 'encoder'));
      const cp = readCheckpointMeta(encoderDir);
      fs.copyFileSync(path.join(encoderDir, 'weights.bin'), path.join(tmp, 'encoder', 'weights.bin'));
      fs.writeFileSync(
        path.join(tmp, 'encoder', 'checkpoint.json'),
        JSON.stringify({ ...cp, optimizer: null, trainer: null }),
      );
      encoder = 'encoder';
    } else {
      encoder = path.relative(dir, encoderDir);
    }
    head.save(path.join(tmp, 'head.bin'));
    const full: ClassifierMeta = { format: CLASSIFIER_FORMAT, version: 1, ...meta, encoder };
    fs.writeFileSync(path.join(tmp, 'classifier.json'), JSON.stringify(full, null, 1));
  });
}

export function headShape(encoder: AwdLstm, hidden: number, classes: number): ClassifierMeta['head'] {
  return { inputs: featureSize(encoder.config.embSize), hidden, classes };
}

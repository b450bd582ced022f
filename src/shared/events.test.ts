import { describe, expect, it } from 'vitest';
import { parseJobEvent, type TrainEventOf } from './events';
import { evalMetricOf, trainMetricOf } from './metrics';

const step: TrainEventOf<'step'> = {
  type: 'step',
  runId: 'r1',
  step: 40,
  epoch: 1,
  loss: 3.5,
  ce: 3.25,
  accuracy: 0.25,
  lr: 0.001,
  gradNorm: 1.5,
  tokensPerSec: 900,
  workerTokensPerSec: [900],
  elapsedS: 12,
  etaS: null,
  progress: 0.5,
};
/** What the child prints and the studio reads back. */
const wire = (e: unknown): unknown => JSON.parse(JSON.stringify(e));

describe('job events on the wire', () => {
  it('read back as the event the child printed', () => {
    expect(parseJobEvent('train', wire(step))).toEqual({ event: step });
    const end = {
      type: 'end',
      runId: 'r1',
      status: 'paused',
      code: 'studio-closed',
      reason: 'paused when the studio closed',
      step: 40,
      bestValLoss: null,
    } as const;
    expect(parseJobEvent('train', wire(end))).toEqual({ event: end });
    expect(parseJobEvent('generate', wire({ type: 'end', ids: [3, 4], seconds: 1.5 }))).toEqual({
      event: { type: 'end', ids: [3, 4], seconds: 1.5 },
    });
    const score = {
      type: 'end',
      scores: [
        {
          id: 3,
          criticP: 0.5,
          criticScore: 0,
          composer: 'Bach',
          composerP: 0.9,
          composerProbs: { Bach: 0.9 },
          novel: false,
        },
      ],
      inceptionScore: null,
      critic: 'c',
      composer: null,
    };
    expect(parseJobEvent('score', wire(score))).toEqual({ event: score });
  });

  it('keep a NaN loss a number (JSON writes it as null)', () => {
    const ev = {
      type: 'eval',
      runId: 'r1',
      step: 40,
      epoch: 1,
      valLoss: Number.NaN,
      valPerplexity: Number.NaN,
      valAccuracy: 0,
      best: false,
    };
    const r = parseJobEvent('train', wire(ev));
    expect('event' in r && r.event.type === 'eval' && Number.isNaN(r.event.valLoss)).toBe(true);
  });

  it('that do not fit the protocol are refused with the event and field named', () => {
    const { ce: _ce, ...noCe } = step;
    expect(parseJobEvent('train', wire(noCe))).toEqual({ error: expect.stringMatching(/^train event "step": ce: /) });
    expect(parseJobEvent('train', wire({ ...step, step: 'forty' }))).toEqual({
      error: expect.stringMatching(/^train event "step": step: /),
    });
    // An end code belongs to its status: a paused run did not reach its budget.
    const end = { type: 'end', runId: 'r1', status: 'paused', code: 'budget', reason: 'x', step: 1, bestValLoss: null };
    expect(parseJobEvent('train', wire(end))).toEqual({ error: expect.stringMatching(/^train event "end": code: /) });
    expect(parseJobEvent('train', { type: 'progress', done: 1, total: 2 })).toEqual({
      error: expect.stringMatching(/^train event "progress": type: /),
    });
    expect(parseJobEvent('generate', { type: 'progress', phase: 'paint', done: 1, total: 2 })).toEqual({
      error: expect.stringMatching(/^generate event "progress": phase: /),
    });
    expect(parseJobEvent('score', 'not an object')).toEqual({ error: expect.stringMatching(/^score event "\?": /) });
  });
});

describe('metrics from events', () => {
  it('keep the step and eval fields they are charted by, under the same names', () => {
    expect(trainMetricOf(step)).toEqual({
      step: 40,
      loss: 3.5,
      ce: 3.25,
      accuracy: 0.25,
      lr: 0.001,
      tokensPerSec: 900,
      elapsedS: 12,
    });
    expect(
      evalMetricOf({
        type: 'eval',
        runId: 'r1',
        step: 40,
        epoch: 1,
        valLoss: 3,
        valPerplexity: 20,
        valAccuracy: 0.3,
        best: true,
      }),
    ).toEqual({
      step: 40,
      valLoss: 3,
      valPerplexity: 20,
      valAccuracy: 0.3,
    });
  });
});

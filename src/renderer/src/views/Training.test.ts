import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { tick } from 'svelte';
import { SvelteMap } from 'svelte/reactivity';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CatalogSummary, JobInfo, RunInfo, RunMetrics, RunStatus, StudioEvent } from '../../../shared/api';
import { trainEvent } from '../../../shared/events';
import { RESUMABLE, RUN_STATUSES, canTransition } from '../../../shared/runStatus';
import Training from './Training.svelte';

// The view talks to the studio only through api.ts. A fake studio answers it, and every call first goes
// through the served studio's own schema for that method: a payload the contract refuses is recorded
// (and rejected), and afterEach fails the test on it.
const studio = vi.hoisted(() => ({
  fake: {
    listRuns: vi.fn(),
    catalogSummary: vi.fn(),
    runMetrics: vi.fn(),
    startTraining: vi.fn(),
    pauseRun: vi.fn(),
    stopRun: vi.fn(),
    resumeRun: vi.fn(),
  },
  refused: [] as string[],
  plots: [] as FakePlot[],
}));
const fake = studio.fake;
vi.mock('../api', async (actual) => {
  const { schemaChecked } = await import('../lib/testing/checkedApi');
  return { ...(await actual<typeof import('../api')>()), api: schemaChecked(studio.fake, studio.refused) };
});

// uPlot draws on canvases with Path2D and watches the pixel ratio with matchMedia, none of which jsdom
// has: a stand-in keeps the options and the data each chart was given, so the tests read the series
// the view built (the view's own aligning and smoothing run as they are).
interface FakePlot {
  title: string;
  labels: string[];
  data: Array<Array<number | null>>;
  destroyed: boolean;
}
vi.mock('uplot', () => ({
  default: class {
    plot: FakePlot;
    constructor(opts: { title: string; series: Array<{ label: string }> }, data: Array<Array<number | null>>) {
      this.plot = { title: opts.title, labels: opts.series.slice(1).map((s) => s.label), data, destroyed: false };
      studio.plots.push(this.plot);
    }
    setData(data: Array<Array<number | null>>): void {
      this.plot.data = data;
    }
    setSize(): void {}
    destroy(): void {
      this.plot.destroyed = true;
    }
  },
}));
/** What a chart shows now: its step axis and each series by label. */
function chart(title: string): { x: number[]; series: Record<string, Array<number | null>> } {
  const p = studio.plots.filter((q) => q.title === title && !q.destroyed).at(-1);
  if (!p) throw new Error(`no chart "${title}"`);
  return {
    x: p.data[0] as number[],
    series: Object.fromEntries(p.labels.map((l, i) => [l, p.data[i + 1]!])),
  };
}

const runInfo = (id: string, o: Partial<RunInfo> = {}): RunInfo => ({
  id,
  createdAt: '2025-05-01T10:00:00Z',
  updatedAt: '2025-05-01T11:00:00Z',
  encoding: 'notewise',
  preset: 'laptop',
  config: {},
  status: 'paused',
  endCode: 'user-pause',
  endReason: 'paused by the user',
  requested: null,
  backend: 'tfjs-node (CPU)',
  step: 100,
  epoch: 1,
  bestValLoss: 2.4567,
  elapsedS: 40,
  pid: null,
  checkpoints: [
    {
      id: 11,
      runId: id,
      kind: 'best',
      step: 100,
      epoch: 1,
      valLoss: 2.4567,
      trainLoss: 2.3,
      path: 'best',
      createdAt: '2025-05-01T10:40:00Z',
    },
    {
      id: 12,
      runId: id,
      kind: 'latest',
      step: 100,
      epoch: 1,
      valLoss: null,
      trainLoss: 2.3,
      path: 'latest',
      createdAt: '2025-05-01T10:41:00Z',
    },
  ],
  jobId: null,
  ...o,
});
const running = (o: Partial<RunInfo> = {}): Partial<RunInfo> => ({
  status: 'running',
  endCode: null,
  endReason: null,
  pid: 4242,
  jobId: 'job-1',
  ...o,
});
const trainJob = (runId: string, o: Partial<JobInfo> = {}): JobInfo => ({
  id: 'job-1',
  kind: 'train',
  title: `Training ${runId}`,
  status: 'running',
  done: 0,
  total: 0,
  detail: '',
  runId,
  startedAt: '2025-05-01T10:00:00Z',
  ...o,
});
const stored = (): RunMetrics => ({
  train: [80, 90, 100].map((step, i) => ({
    step,
    loss: 3.1 - i * 0.1,
    ce: 3 - i * 0.1,
    accuracy: 0.2,
    lr: 1e-3,
    tokensPerSec: 5000,
    elapsedS: step / 2.5,
  })),
  eval: [{ step: 100, valLoss: 2.4567, valPerplexity: 11.66, valAccuracy: 0.3 }],
});
const summary: CatalogSummary = {
  total: 4,
  train: 3,
  test: 1,
  composers: [
    { composer: 'Chopin', pieces: 2 },
    { composer: 'Satie', pieces: 1 },
    { composer: 'Bach', pieces: 1 },
  ],
  notes: 9000,
  dataDir: '/data',
};

// Training events as the studio hands them on: each one parsed through the job protocol's schema
// (shared/events.ts), so a test event that the protocol would refuse fails here.
type TrainStudioEvent = Extract<StudioEvent, { type: 'train' }>;
const wrap = (raw: Record<string, unknown>): TrainStudioEvent => {
  const event = trainEvent.parse(raw);
  return { type: 'train', runId: event.runId, event };
};
const startEvent = (runId: string, fromStep: number, workers = 1) =>
  wrap({
    type: 'start',
    runId,
    resumed: fromStep > 0,
    fromStep,
    backend: { requested: 'auto', chosen: 'node', tfBackend: 'tensorflow', skipped: [], detail: '' },
    backendText: 'tfjs-node (CPU, 8 threads)',
    config: { encoding: 'notewise', preset: 'laptop', budget: { steps: null, seconds: 28_800 }, vocabSize: 300 },
    parameters: 1_000_000,
    trainItems: 100,
    trainPieces: 30,
    tokensPerEpoch: 500_000,
    valTokens: 20_000,
    workers,
    notes: [],
  });
const stepEvent = (
  runId: string,
  step: number,
  o: { ce?: number; tokensPerSec?: number; etaS?: number | null; perWorker?: number[] } = {},
) =>
  wrap({
    type: 'step',
    runId,
    step,
    epoch: 1,
    loss: (o.ce ?? 2) + 0.05,
    ce: o.ce ?? 2,
    accuracy: 0.4,
    lr: 2e-3,
    gradNorm: 0.5,
    tokensPerSec: o.tokensPerSec ?? 6000,
    workerTokensPerSec: o.perWorker ?? [o.tokensPerSec ?? 6000],
    elapsedS: step / 2.5,
    etaS: o.etaS === undefined ? 600 : o.etaS,
    progress: 0.1,
  });
const evalEvent = (runId: string, step: number, valLoss: number) =>
  wrap({
    type: 'eval',
    runId,
    step,
    epoch: 1,
    valLoss,
    valPerplexity: Math.exp(valLoss),
    valAccuracy: 0.35,
    best: true,
  });

beforeEach(() => {
  studio.refused.length = 0;
  studio.plots.length = 0;
  for (const f of Object.values(fake)) f.mockReset();
  fake.listRuns.mockResolvedValue([runInfo('run-a')]);
  fake.catalogSummary.mockResolvedValue(summary);
  fake.runMetrics.mockImplementation(async () => stored());
  fake.startTraining.mockResolvedValue(trainJob('run-new'));
  fake.pauseRun.mockResolvedValue(trainJob('run-a'));
  fake.stopRun.mockResolvedValue(trainJob('run-a'));
  fake.resumeRun.mockResolvedValue(trainJob('run-a'));
});
afterEach(() => {
  cleanup();
  expect(studio.refused, 'payloads the contract refuses').toEqual([]);
});

type Props = {
  jobs: JobInfo[];
  version: number;
  events: TrainStudioEvent[];
  ongenerate: (checkpoint: string) => void;
};
const props: Props = { jobs: [], version: 0, events: [], ongenerate: () => {} };
/**
 * Renders the view with each prop its own signal, as the app passes them (`version={versions.runs}`,
 * `events={trainEvents}`): a new event does not touch `version`. (The harness's rerender replaces all
 * props at once, which would re-run every effect that reads any prop, as the app never does.)
 */
async function renderTraining(p: Partial<Props> = {}) {
  const user = userEvent.setup();
  const current = new SvelteMap(Object.entries({ ...props, ...p }));
  const live = Object.defineProperties(
    {},
    Object.fromEntries(Object.keys(props).map((k) => [k, { get: () => current.get(k), enumerable: true }])),
  ) as Props;
  // `events` is also a Svelte mount option, so the props go in explicitly.
  render(Training, { props: live });
  const update = async (next: Partial<Props>) => {
    for (const [k, v] of Object.entries(next)) current.set(k, v);
    await tick();
  };
  await screen.findByRole('heading', { level: 2 });
  return { user, update };
}
const status = () => screen.getByTestId('run-status').textContent;
/** The run's status line: preset, encoding, step, epoch, time trained, and while it trains tokens/s and ETA. */
const line = () => screen.getByRole('heading', { level: 2 }).parentElement!.querySelectorAll('p')[0]!.textContent!;
const backendLine = () =>
  screen.getByRole('heading', { level: 2 }).parentElement!.querySelectorAll('p')[1]!.textContent!;

describe('Training: starting a run', () => {
  it('sends the form’s defaults: laptop notewise at 12 steps a quarter, 8 hours, validating every 200 steps', async () => {
    const user = userEvent.setup();
    render(Training, { props });
    // The default is a value the field accepts (its step counts from its min), so the form submits.
    expect(screen.getByLabelText('Hours')).toBeValid();
    await user.click(screen.getByTestId('start-training'));
    expect(fake.startTraining).toHaveBeenCalledExactlyOnceWith({
      encoding: 'notewise',
      sampleFreq: 12,
      preset: 'laptop',
      hours: 8,
      evalEvery: 200,
    });
  });

  it('sends the preset, encoding, custom sizes, a step budget and the composers chosen', async () => {
    const user = userEvent.setup();
    render(Training, { props });
    const form = screen.getByRole('form', { name: 'Start a training run' });
    await user.selectOptions(within(form).getByTestId('preset'), 'tiny');
    await user.selectOptions(within(form).getByLabelText(/^Encoding/), 'chordwise');
    // Chordwise brings its own default resolution, 4 steps a quarter; the user may still change it.
    expect(within(form).getByLabelText<HTMLInputElement>('Steps per quarter').value).toBe('4');
    await user.clear(within(form).getByLabelText('Steps per quarter'));
    await user.type(within(form).getByLabelText('Steps per quarter'), '6');
    await user.click(within(form).getByLabelText('Custom sizes'));
    for (const [label, value] of [
      ['Embedding', '64'],
      ['Hidden', '128'],
      ['Layers', '2'],
    ]) {
      await user.clear(within(form).getByLabelText(label!));
      await user.type(within(form).getByLabelText(label!), value!);
    }
    await user.selectOptions(within(form).getByTestId('budget'), 'steps');
    expect(within(form).queryByLabelText('Hours')).toBeNull();
    await user.clear(within(form).getByTestId('steps'));
    await user.type(within(form).getByTestId('steps'), '300');
    await user.clear(within(form).getByTestId('eval-every'));
    await user.type(within(form).getByTestId('eval-every'), '50');
    const composers = within(form).getByRole('listbox', { name: 'Composers to include (none: all)' });
    await vi.waitFor(() => expect(within(composers).getAllByRole('option')).toHaveLength(3));
    await user.selectOptions(composers, ['Chopin', 'Bach']);
    await user.click(within(form).getByTestId('start-training'));

    expect(fake.startTraining).toHaveBeenCalledExactlyOnceWith({
      encoding: 'chordwise',
      sampleFreq: 6,
      preset: 'tiny',
      emb: 64,
      hidden: 128,
      layers: 2,
      steps: 300,
      composers: ['Chopin', 'Bach'],
      evalEvery: 50,
    });
  });

  it('sends a clock time for a run that should stop in the morning', async () => {
    const user = userEvent.setup();
    render(Training, { props });
    const form = screen.getByRole('form', { name: 'Start a training run' });
    await user.selectOptions(within(form).getByTestId('budget'), 'until');
    expect(within(form).getByLabelText('Stop at')).toHaveValue('07:00');
    await fireEvent.input(within(form).getByLabelText('Stop at'), { target: { value: '06:30' } });
    await user.click(within(form).getByTestId('start-training'));
    expect(fake.startTraining).toHaveBeenCalledExactlyOnceWith({
      encoding: 'notewise',
      sampleFreq: 12,
      preset: 'laptop',
      until: '06:30',
      evalEvery: 200,
    });
  });

  it('does not send a number field left blank (the contract would refuse null)', async () => {
    const user = userEvent.setup();
    render(Training, { props });
    const form = screen.getByRole('form', { name: 'Start a training run' });
    await user.clear(within(form).getByLabelText('Hours'));
    await user.click(within(form).getByTestId('start-training'));
    expect(fake.startTraining).not.toHaveBeenCalled();
    await user.type(within(form).getByLabelText('Hours'), '2');
    await user.click(within(form).getByTestId('start-training'));
    expect(fake.startTraining).toHaveBeenCalledWith(expect.objectContaining({ hours: 2 }));
  });

  it('shows the studio’s refusal', async () => {
    fake.startTraining.mockRejectedValue(new Error('no pieces in the training split'));
    const user = userEvent.setup();
    render(Training, { props });
    await user.click(screen.getByTestId('start-training'));
    expect(await screen.findByRole('alert')).toHaveTextContent('no pieces in the training split');
  });

  it('selects the new run when its first event arrives', async () => {
    const { user, update } = await renderTraining();
    expect(screen.getByRole('heading', { level: 2 })).toHaveTextContent('run-a');
    await user.click(screen.getByTestId('start-training'));
    // Until the new run reports, no run is shown.
    expect(await screen.findByText(/Start a run on the left/)).toBeInTheDocument();
    await update({ jobs: [trainJob('run-new')], events: [startEvent('run-new', 0)] });
    fake.listRuns.mockResolvedValue([runInfo('run-a'), runInfo('run-new', running({ step: 0, checkpoints: [] }))]);
    await update({ version: 1 });
    await vi.waitFor(() => expect(screen.getByRole('heading', { level: 2 })).toHaveTextContent('run-new'));
    expect(status()).toBe('running');
    expect(backendLine()).toContain('Backend: tfjs-node (CPU, 8 threads)');
    expect(screen.getByTestId('checkpoints')).toHaveTextContent('No checkpoint yet');
  });
});

describe('Training: a run as it trains', () => {
  it('charts the stored metrics, then adds live step and eval points and updates the status line', async () => {
    fake.listRuns.mockResolvedValue([runInfo('run-a', running())]);
    const { update } = await renderTraining({ jobs: [trainJob('run-a')] });
    expect(fake.runMetrics).toHaveBeenCalledWith({ runId: 'run-a' });
    await vi.waitFor(() => expect(chart('Loss').x).toEqual([80, 90, 100]));
    expect(chart('Validation perplexity')).toEqual({ x: [100], series: { 'run-a val perplexity': [11.66] } });
    expect(line()).toMatch(/laptop · notewise · step 100 · epoch 1 · 0:40 trained\s*$/);

    const events = [startEvent('run-a', 100)];
    await update({ events });
    expect(line()).toMatch(/step 100 · epoch 1 · 0:40 trained\s*· 0 tokens\/s · ETA \?/);
    expect(backendLine()).toContain('Backend: tfjs-node (CPU, 8 threads)');

    events.push(stepEvent('run-a', 110, { ce: 2.5, tokensPerSec: 6543.6, etaS: 754 }));
    await update({ events: [...events] });
    expect(line()).toMatch(/step 110 · .*· 6544 tokens\/s · ETA 12:34/);
    expect(chart('Loss').x).toEqual([80, 90, 100, 110]);
    expect(chart('Tokens per second').series['tokens/s']).toEqual([5000, 5000, 5000, 6543.6]);
    expect(chart('Learning rate').series['learning rate']).toEqual([1e-3, 1e-3, 1e-3, 2e-3]);

    events.push(stepEvent('run-a', 120, { ce: 2.4, etaS: null }), evalEvent('run-a', 120, 2.3));
    await update({ events: [...events] });
    expect(line()).toMatch(/step 120 · .*· 6000 tokens\/s · ETA \?/);
    expect(chart('Loss').x).toEqual([80, 90, 100, 110, 120]);
    expect(chart('Loss').series['run-a val']).toEqual([null, null, 2.4567, null, 2.3]);
    expect(chart('Validation perplexity').x).toEqual([100, 120]);
    expect(chart('Validation perplexity').series['run-a val perplexity']![1]).toBeCloseTo(Math.exp(2.3));
  });

  it('says how many data-parallel workers train the run and how fast each computes', async () => {
    fake.listRuns.mockResolvedValue([runInfo('run-a', running())]);
    const { update } = await renderTraining({ jobs: [trainJob('run-a')] });
    const events = [startEvent('run-a', 100, 2)];
    await update({ events });
    expect(screen.getByTestId('workers').textContent).toBe('2 workers · ');
    events.push(stepEvent('run-a', 110, { tokensPerSec: 990, perWorker: [531.4, 539.6] }));
    await update({ events: [...events] });
    expect(screen.getByTestId('workers').textContent).toBe('2 workers (531, 540 tokens/s each while computing) · ');
    expect(backendLine()).toContain('· Backend: tfjs-node');
  });

  it('smooths the training loss with the chosen factor (0: the raw cross-entropy)', async () => {
    await renderTraining();
    await vi.waitFor(() => expect(chart('Loss').x).toEqual([80, 90, 100]));
    // Exponential moving average at 0.6, starting from the first point.
    const [a, b, c] = chart('Loss').series['run-a train'] as number[];
    expect(a).toBeCloseTo(3);
    expect(b).toBeCloseTo(0.6 * 3 + 0.4 * 2.9);
    expect(c).toBeCloseTo(0.6 * b! + 0.4 * 2.8);
    await fireEvent.input(screen.getByRole('slider'), { target: { value: '0' } });
    expect(chart('Loss').series['run-a train']).toEqual([3, 2.9, 2.8]);
  });

  it('keeps following the run after the app has started dropping its oldest events', async () => {
    // The app keeps only the newest 201 training events, so the list stops growing while events still come.
    fake.listRuns.mockResolvedValue([runInfo('run-a', running())]);
    let kept = Array.from({ length: 201 }, (_, i) => stepEvent('run-a', 101 + i));
    const { update } = await renderTraining({ jobs: [trainJob('run-a')] });
    await vi.waitFor(() => expect(chart('Loss').x).toEqual([80, 90, 100]));
    await update({ events: kept });
    expect(line()).toMatch(/step 301 /);
    expect(chart('Loss').x).toHaveLength(3 + 201);
    const arrive = async (e: TrainStudioEvent) => {
      kept = [...kept.slice(-200), e];
      await update({ events: kept });
    };
    await arrive(stepEvent('run-a', 302, { tokensPerSec: 7000 }));
    expect(line()).toMatch(/step 302 · .*· 7000 tokens\/s/);
    await arrive(stepEvent('run-a', 303, { tokensPerSec: 7100 }));
    await arrive(evalEvent('run-a', 303, 2.2));
    expect(line()).toMatch(/step 303 · .*· 7100 tokens\/s/);
    // Each point once: nothing already seen is added again.
    expect(chart('Loss').x.slice(-4)).toEqual([300, 301, 302, 303]);
    expect(chart('Loss').series['run-a train']).toHaveLength(chart('Loss').x.length);
    expect(chart('Validation perplexity').x).toEqual([100, 303]);
  });

  it('overlays another run’s loss on the same step axis', async () => {
    fake.listRuns.mockResolvedValue([runInfo('run-a'), runInfo('run-b', { preset: 'tiny' })]);
    fake.runMetrics.mockImplementation(async ({ runId }: { runId: string }) =>
      runId === 'run-a'
        ? stored()
        : { train: [{ ...stored().train[0]!, step: 85, ce: 4 }], eval: [] satisfies RunMetrics['eval'] },
    );
    const { user } = await renderTraining();
    const runB = within(screen.getByTestId('runs')).getByText('run-b').closest('li')!;
    await user.click(within(runB).getByLabelText('overlay'));
    expect(fake.runMetrics).toHaveBeenCalledWith({ runId: 'run-b' });
    await vi.waitFor(() => expect(chart('Loss').x).toEqual([80, 85, 90, 100]));
    expect(Object.keys(chart('Loss').series)).toEqual(['run-a train', 'run-a val', 'run-b train', 'run-b val']);
    expect(chart('Loss').series['run-b train']).toEqual([null, 4, null, null]);
  });
});

describe('Training: the run’s state', () => {
  it('pauses, stops and resumes through the studio, and shows the state each move leads to', async () => {
    const shown: string[] = [];
    const seen = () => {
      if (shown.at(-1) !== status()) shown.push(status()!);
    };
    fake.listRuns.mockResolvedValue([runInfo('run-a', running())]);
    const { user, update } = await renderTraining({ jobs: [trainJob('run-a')] });
    seen();
    expect(screen.queryByTestId('resume')).toBeNull();

    // Pause: asked of the studio; the run stays running until its trainer answers.
    await user.click(screen.getByTestId('pause'));
    expect(fake.pauseRun).toHaveBeenCalledExactlyOnceWith({ runId: 'run-a' });
    expect(status()).toBe('running');
    fake.listRuns.mockResolvedValue([runInfo('run-a')]);
    await update({ jobs: [trainJob('run-a', { status: 'done' })], version: 1 });
    await vi.waitFor(() => expect(status()).toBe('paused'));
    seen();
    expect(backendLine()).toContain('paused by the user');
    expect(screen.queryByTestId('pause')).toBeNull();

    await user.click(screen.getByTestId('resume'));
    expect(fake.resumeRun).toHaveBeenCalledExactlyOnceWith({ runId: 'run-a' });
    fake.listRuns.mockResolvedValue([runInfo('run-a', running())]);
    await update({ jobs: [trainJob('run-a', { id: 'job-2' })], version: 2 });
    await vi.waitFor(() => expect(status()).toBe('running'));
    seen();

    await user.click(screen.getByTestId('stop'));
    expect(fake.stopRun).toHaveBeenCalledExactlyOnceWith({ runId: 'run-a' });
    fake.listRuns.mockResolvedValue([
      runInfo('run-a', { status: 'stopped', endCode: 'user-stop', endReason: 'stopped by the user' }),
    ]);
    await update({ jobs: [trainJob('run-a', { id: 'job-2', status: 'done' })], version: 3 });
    await vi.waitFor(() => expect(status()).toBe('stopped'));
    seen();
    expect(screen.getByTestId('resume')).toBeInTheDocument();

    expect(shown).toEqual(['running', 'paused', 'running', 'stopped']);
    for (let i = 1; i < shown.length; i++)
      expect(canTransition(shown[i - 1] as RunStatus, shown[i] as RunStatus), `${shown[i - 1]} → ${shown[i]}`).toBe(
        true,
      );
  });

  it.each(RUN_STATUSES)(
    'a %s run that no job of this studio trains offers Resume only if it can resume without a new budget',
    async (s) => {
      fake.listRuns.mockResolvedValue([runInfo('run-a', { status: s })]);
      await renderTraining();
      expect(status()).toBe(s);
      expect(screen.queryByTestId('pause')).toBeNull();
      expect(screen.queryByTestId('stop')).toBeNull();
      if (RESUMABLE.includes(s)) expect(screen.getByTestId('resume')).toBeInTheDocument();
      else expect(screen.queryByTestId('resume')).toBeNull();
    },
  );

  it('shows why a run failed or finished', async () => {
    fake.listRuns.mockResolvedValue([
      runInfo('run-a', { status: 'failed', endCode: 'error', endReason: 'out of memory at step 140' }),
      runInfo('run-b', { status: 'finished', endCode: 'budget', endReason: 'budget reached (8 h)' }),
    ]);
    const { user } = await renderTraining();
    expect(status()).toBe('failed');
    expect(backendLine()).toBe('Backend: tfjs-node (CPU) · out of memory at step 140');
    await user.click(within(screen.getByTestId('runs')).getByRole('button', { name: 'run-b' }));
    expect(status()).toBe('finished');
    expect(backendLine()).toBe('Backend: tfjs-node (CPU) · budget reached (8 h)');
    expect(screen.queryByTestId('resume')).toBeNull();
  });

  it('shows the studio’s refusal of a move', async () => {
    fake.resumeRun.mockRejectedValue(new Error('run run-a is already training'));
    const { user } = await renderTraining();
    await user.click(screen.getByTestId('resume'));
    expect(await screen.findByRole('alert')).toHaveTextContent('run run-a is already training');
  });
});

describe('Training: runs and checkpoints', () => {
  it('lists the runs with their state and best validation loss', async () => {
    fake.listRuns.mockResolvedValue([
      runInfo('run-a'),
      runInfo('run-b', { preset: 'tiny', encoding: 'chordwise', step: 40, bestValLoss: null }),
    ]);
    await renderTraining();
    const items = within(screen.getByTestId('runs')).getAllByRole('listitem');
    expect(items.map((li) => li.textContent!.replace(/\s+/g, ' ').trim())).toEqual([
      'run-a paused laptop notewise · step 100 · best 2.457',
      'run-b paused tiny chordwise · step 40 · best – overlay',
    ]);
  });

  it('lists the checkpoints, and Generate… asks for samples from the one chosen', async () => {
    const ongenerate = vi.fn();
    const { user } = await renderTraining({ ongenerate });
    const rows = within(screen.getByTestId('checkpoints')).getAllByRole('row').slice(1);
    expect(
      rows.map((r) =>
        within(r)
          .getAllByRole('cell')
          .map((c) => c.textContent),
      ),
    ).toEqual([
      ['11', 'best', '100', '2.4567', '2025-05-01 10:40:00', 'Generate…'],
      ['12', 'latest', '100', '–', '2025-05-01 10:41:00', 'Generate…'],
    ]);
    await user.click(screen.getByTestId('generate-from-latest'));
    expect(ongenerate).toHaveBeenCalledExactlyOnceWith('12');
  });

  it('says how to begin when there is no run yet', async () => {
    fake.listRuns.mockResolvedValue([]);
    render(Training, { props });
    expect(await within(screen.getByTestId('runs')).findByText('No runs yet.')).toBeInTheDocument();
    expect(screen.getByText(/Start a run on the left/)).toBeInTheDocument();
  });
});

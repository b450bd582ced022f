import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { schemas, type NoteArrays, type RunInfo, type SampleRow } from '../../../shared/api';
import { SOLO_INSTRUMENTS } from '../../../shared/instruments';
import Samples from './Samples.svelte';

// The view talks to the studio only through api.ts: a fake studio with two samples and one run
// answers it here, and records what the view asks to generate.
const fake = vi.hoisted(() => ({
  listSamples: vi.fn(),
  listRuns: vi.fn(),
  sampleNotes: vi.fn(),
  listPieces: vi.fn(),
  generate: vi.fn(),
  scoreSamples: vi.fn(),
  updateSample: vi.fn(),
}));
vi.mock('../api', async (actual) => ({ ...(await actual<typeof import('../api')>()), api: fake }));

const row = (id: number, title: string): SampleRow => ({
  id,
  createdAt: '2025-05-01T10:00:00Z',
  runId: 'run-a',
  checkpointStep: 1200,
  encoding: 'notewise',
  prompt: { kind: 'none', words: 0 },
  seed: 7,
  file: `${id}.mid`,
  bpm: 96,
  meter: '3/4',
  key: id === 2 ? 'D minor' : null,
  solo: null,
  parentId: null,
  durationS: 30,
  tokens: 900,
  noteCount: 120,
  title,
  starred: false,
  note: '',
  criticP: null,
  criticScore: null,
  composer: null,
  composerP: null,
  novel: null,
});
const run = {
  id: 'run-a',
  checkpoints: [{ id: 12, runId: 'run-a', kind: 'best', step: 1200, epoch: 3, valLoss: 1.234 }],
} as unknown as RunInfo;
const notes: NoteArrays = {
  pitch: [60],
  start: [0],
  end: [1],
  velocity: [90],
  voice: [0],
  seconds: 30,
  bpm: 96,
  soloProgram: null,
};

beforeEach(() => {
  for (const f of Object.values(fake)) f.mockReset();
  fake.listSamples.mockResolvedValue([row(1, 'Morning'), row(2, 'Evening')]);
  fake.listRuns.mockResolvedValue([run]);
  fake.sampleNotes.mockResolvedValue(notes);
  fake.listPieces.mockResolvedValue([]);
  fake.generate.mockResolvedValue({});
  // The piano roll draws on a canvas, which jsdom lacks: a context that draws nothing.
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(
    new Proxy({}, { get: () => () => {} }) as CanvasRenderingContext2D,
  );
});

const props = { jobs: [], version: 0, runsVersion: 0, generateFrom: null };
async function openGenerate() {
  const user = userEvent.setup();
  render(Samples, props);
  await screen.findByText('Morning');
  await user.click(screen.getByTestId('open-generate'));
  return { user, form: screen.getByRole('form', { name: 'Generate samples' }) };
}
/** What the view sent, after checking the served studio's own schema would take it. */
function sent(): Record<string, unknown> {
  expect(fake.generate).toHaveBeenCalledOnce();
  const payload = fake.generate.mock.calls[0]![0] as Record<string, unknown>;
  expect(() => schemas.generate.parse(payload)).not.toThrow();
  return payload;
}

describe('Samples: the Generate dialog', () => {
  it('sends the key (trimmed), tempo, length and count asked for, and closes', async () => {
    const { user, form } = await openGenerate();
    await user.clear(within(form).getByTestId('seconds'));
    await user.type(within(form).getByTestId('seconds'), '60');
    await user.type(within(form).getByTestId('key'), '  D minor ');
    await user.type(within(form).getByTestId('bpm'), '96');
    await user.clear(within(form).getByTestId('count'));
    await user.type(within(form).getByTestId('count'), '2');
    await user.click(within(form).getByTestId('generate'));

    const payload = sent();
    expect(payload).toEqual({
      checkpoint: 'best',
      prompt: { kind: 'none' },
      seconds: 60,
      count: 2,
      seed: expect.any(Number),
      key: 'D minor',
      bpm: 96,
    });
    expect(screen.queryByRole('form', { name: 'Generate samples' })).toBeNull();
  });

  it('leaves key and tempo out when they are blank, so the model or the prompt decides', async () => {
    const { user, form } = await openGenerate();
    await user.type(within(form).getByTestId('key'), '   ');
    await user.click(within(form).getByTestId('generate'));
    const payload = sent();
    expect(payload).not.toHaveProperty('key');
    expect(payload).not.toHaveProperty('bpm');
    expect(payload).not.toHaveProperty('includePrompt');
    expect(payload).not.toHaveProperty('solo');
    // Sampling left blank is the model's encoding's default, decided when the checkpoint loads.
    expect(payload).not.toHaveProperty('temperature');
    expect(payload).not.toHaveProperty('topN');
  });

  it('sends the temperature and top n a musician types', async () => {
    const { user, form } = await openGenerate();
    await user.type(within(form).getByTestId('temperature'), '0.8');
    await user.type(within(form).getByTestId('top-n'), '3');
    await user.click(within(form).getByTestId('generate'));
    expect(sent()).toMatchObject({ temperature: 0.8, topN: 3 });
  });

  it('offers every solo instrument of the table by name, after the engine’s own choice', async () => {
    const { form } = await openGenerate();
    const select = within(form).getByLabelText('Solo instrument');
    expect(select).toHaveValue('');
    const options = within(select).getAllByRole('option') as HTMLOptionElement[];
    expect(options.map((o) => [o.value, o.textContent])).toEqual([
      ['', 'from the prompt / training pieces (default)'],
      ...SOLO_INSTRUMENTS.map((i) => [i.id, i.name]),
    ]);
  });

  it('sends the chosen solo instrument, which the studio’s schema takes', async () => {
    const { user, form } = await openGenerate();
    await user.selectOptions(within(form).getByTestId('solo'), 'Cello');
    await user.click(within(form).getByTestId('generate'));
    expect(sent()).toMatchObject({ checkpoint: 'best', prompt: { kind: 'none' }, solo: 'cello' });
  });

  it('sends a solo instrument with a continued sample too, and leaves it out when set back to the default', async () => {
    const user = userEvent.setup();
    render(Samples, props);
    await user.click(await screen.findByText('Evening'));
    await user.click(screen.getByTestId('continue'));
    let form = screen.getByRole('form', { name: 'Generate samples' });
    await user.selectOptions(within(form).getByTestId('solo'), 'double-bass');
    await user.click(within(form).getByTestId('generate'));
    expect(sent()).toMatchObject({ prompt: { kind: 'sample', sampleId: 2 }, solo: 'double-bass' });
    fake.generate.mockClear();
    await user.click(screen.getByTestId('open-generate'));
    form = screen.getByRole('form', { name: 'Generate samples' });
    expect(within(form).getByTestId('solo')).toHaveValue('double-bass');
    await user.selectOptions(within(form).getByTestId('solo'), '');
    await user.click(within(form).getByTestId('generate'));
    expect(sent()).not.toHaveProperty('solo');
  });

  it('continues the selected sample, with or without the prompt in the new file', async () => {
    const user = userEvent.setup();
    render(Samples, props);
    await user.click(await screen.findByText('Evening'));
    expect(await screen.findByTestId('written-as')).toHaveTextContent('96 bpm · 3/4 · D minor');
    await user.click(screen.getByTestId('continue'));
    const form = screen.getByRole('form', { name: 'Generate samples' });
    expect(within(form).getByTestId('prompt-kind')).toHaveValue('sample');
    expect(within(form).getByTestId('continue-of')).toHaveTextContent('Continuing Evening');
    await user.click(within(form).getByRole('checkbox', { name: /include it in the new file/ }));
    await user.click(within(form).getByTestId('generate'));
    expect(sent()).toMatchObject({ prompt: { kind: 'sample', sampleId: 2 }, includePrompt: false });
  });

  it("opens on a run's checkpoint when asked to generate from it", async () => {
    const user = userEvent.setup();
    render(Samples, { ...props, generateFrom: '12' });
    const form = await screen.findByRole('form', { name: 'Generate samples' });
    await vi.waitFor(() => expect(within(form).getByTestId('checkpoint')).toHaveValue('12'));
    await user.click(within(form).getByTestId('generate'));
    expect(sent()).toMatchObject({ checkpoint: '12' });
  });

  it('keeps the dialog open and shows the studio’s refusal in one line', async () => {
    fake.generate.mockRejectedValue(new Error('key: "H minor" is not a key'));
    const { user, form } = await openGenerate();
    await user.type(within(form).getByTestId('key'), 'H minor');
    await user.click(within(form).getByTestId('generate'));
    expect(await screen.findByRole('alert')).toHaveTextContent('key: "H minor" is not a key');
    expect(screen.getByRole('form', { name: 'Generate samples' })).toBeInTheDocument();
  });
});

describe('Samples: details', () => {
  it('shows the instrument a sample’s solo part is written for, and nothing for a piano sample', async () => {
    const user = userEvent.setup();
    fake.listSamples.mockResolvedValue([{ ...row(1, 'Morning'), solo: 'cello' }, row(2, 'Evening')]);
    render(Samples, props);
    expect(await screen.findByTestId('solo-of')).toHaveTextContent('Solo: Cello');
    await user.click(screen.getByText('Evening'));
    await vi.waitFor(() => expect(screen.getByLabelText('Sample title')).toHaveValue('Evening'));
    expect(screen.queryByTestId('solo-of')).toBeNull();
  });
});

describe('Samples: keyboard', () => {
  it('moves the selection with the arrow keys and stars with S', async () => {
    const user = userEvent.setup();
    fake.updateSample.mockImplementation(async ({ id, starred }: { id: number; starred: boolean }) => ({
      ...row(id, id === 1 ? 'Morning' : 'Evening'),
      starred,
    }));
    render(Samples, props);
    await screen.findByText('Morning');
    await vi.waitFor(() => expect(screen.getByLabelText('Sample title')).toHaveValue('Morning'));
    await user.keyboard('{ArrowDown}');
    expect(screen.getByLabelText('Sample title')).toHaveValue('Evening');
    await user.keyboard('s');
    expect(fake.updateSample).toHaveBeenLastCalledWith({ id: 2, starred: true });
    await vi.waitFor(() => expect(screen.getByTestId('star')).toHaveAttribute('aria-pressed', 'true'));
    await user.keyboard('{ArrowUp}');
    expect(screen.getByLabelText('Sample title')).toHaveValue('Morning');
  });
});

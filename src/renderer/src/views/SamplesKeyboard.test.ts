import { Midi } from '@tonejs/midi';
import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { schemas } from '../../../shared/api';
import { midiDevices } from '../lib/midiDevices.svelte';
import { fakeInput, installWebMidi } from '../lib/testing/fakeWebMidi';
import Samples from './Samples.svelte';

// The Generate dialog with a prompt played on a MIDI keyboard: a fake studio records what the view
// uploads and asks to generate; a fake Web MIDI input plays the phrase.
const fake = vi.hoisted(() => ({
  listSamples: vi.fn(),
  listRuns: vi.fn(),
  listPieces: vi.fn(),
  uploadFile: vi.fn(),
  generate: vi.fn(),
}));
vi.mock('../api', async (actual) => ({ ...(await actual<typeof import('../api')>()), api: fake }));

beforeEach(() => {
  for (const f of Object.values(fake)) f.mockReset();
  fake.listSamples.mockResolvedValue([]);
  fake.listRuns.mockResolvedValue([]);
  fake.listPieces.mockResolvedValue([]);
  fake.uploadFile.mockResolvedValue({ stored: 'x' });
  fake.generate.mockResolvedValue({});
  midiDevices.reset();
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(
    new Proxy({}, { get: () => () => {} }) as CanvasRenderingContext2D,
  );
});

const props = { jobs: [], version: 0, runsVersion: 0, generateFrom: null };

async function openKeyboardPrompt() {
  const user = userEvent.setup();
  render(Samples, props);
  await user.click(screen.getByTestId('open-generate'));
  const form = screen.getByRole('form', { name: 'Generate samples' });
  await user.selectOptions(within(form).getByTestId('prompt-kind'), 'keyboard');
  return { user, form };
}

describe('Samples: a prompt played on a MIDI keyboard', () => {
  it('asks for a recording before generating from the keyboard', async () => {
    installWebMidi({ inputs: [fakeInput('k', 'Keys')] });
    const { user, form } = await openKeyboardPrompt();
    await user.click(within(form).getByTestId('generate'));
    expect(await screen.findByRole('alert')).toHaveTextContent('Record a prompt on the MIDI keyboard first.');
    expect(fake.generate).not.toHaveBeenCalled();
  });

  it('uploads the recording as a MIDI file and generates from it with the dialog settings', async () => {
    const keys = fakeInput('k', 'Keys');
    installWebMidi({ inputs: [keys] });
    const { user, form } = await openKeyboardPrompt();
    const bpm = await within(form).findByTestId('record-bpm');
    await user.clear(bpm);
    await user.type(bpm, '240');
    await user.clear(within(form).getByTestId('seconds'));
    await user.type(within(form).getByTestId('seconds'), '20');
    await user.click(within(form).getByTestId('record'));
    await vi.waitFor(() => expect(within(form).getByTestId('record-status')).toHaveTextContent(/^Recording/), {
      timeout: 3000,
    });
    keys.send([0x90, 67, 100]);
    await new Promise((r) => setTimeout(r, 100));
    keys.send([0x80, 67, 0]);
    await user.click(within(form).getByTestId('record-stop'));
    await user.click(within(form).getByTestId('continue-recording'));

    await vi.waitFor(() => expect(fake.generate).toHaveBeenCalledOnce());
    const upload = fake.uploadFile.mock.lastCall![0] as { batch: string; path: string; dataBase64: string };
    // What the engine's schema accepts, a MIDI file with the note and the tempo played at.
    expect(schemas.uploadFile.safeParse(upload).success).toBe(true);
    expect(upload.path).toMatch(/^keyboard-recording-\d{14}\.mid$/);
    const midi = new Midi(Uint8Array.from(atob(upload.dataBase64), (c) => c.charCodeAt(0)));
    expect(midi.tracks.flatMap((t) => t.notes.map((n) => n.midi))).toEqual([67]);
    expect(midi.header.tempos[0]!.bpm).toBeCloseTo(240, 3);
    const asked = fake.generate.mock.lastCall![0] as Record<string, unknown>;
    expect(asked).toMatchObject({ prompt: { kind: 'upload', batch: upload.batch, path: upload.path }, seconds: 20 });
    expect(schemas.generate.safeParse(asked).success).toBe(true);
  });
});

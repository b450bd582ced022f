import { Midi } from '@tonejs/midi';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { midiDevices } from './midiDevices.svelte';
import MidiRecorder from './MidiRecorder.svelte';
import { fakeInput, installWebMidi } from './testing/fakeWebMidi';

// The studio's MIDI ports are one module-level object: each test makes it ask the fake Web MIDI
// installed for that test.
async function mount(props: { onrecorded: (m: Uint8Array | null) => void; oncontinue: () => void }) {
  midiDevices.reset();
  return render(MidiRecorder, props);
}

beforeEach(() => {
  // The live piano roll draws on a canvas, which jsdom lacks: a context that draws nothing.
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(
    new Proxy({}, { get: () => () => {} }) as CanvasRenderingContext2D,
  );
});

describe('MidiRecorder', () => {
  it('says in one line that Web MIDI is missing, and offers no recording', async () => {
    installWebMidi(null);
    await mount({ onrecorded: vi.fn(), oncontinue: vi.fn() });
    expect(await screen.findByTestId('midi-problem')).toHaveTextContent(
      'Web MIDI is not available here, so no MIDI keyboard or MIDI output can be used.',
    );
    expect(screen.queryByTestId('record')).toBeNull();
  });

  it('says so when no input is connected', async () => {
    installWebMidi({ inputs: [] });
    await mount({ onrecorded: vi.fn(), oncontinue: vi.fn() });
    expect(await screen.findByText('No MIDI input is connected.')).toBeInTheDocument();
    expect(screen.getByTestId('record')).toBeDisabled();
  });

  it('records from the chosen input after a count-in, then hands over a MIDI file and continues it', async () => {
    const keys = fakeInput('k2', 'Stage Piano');
    const seen = installWebMidi({ inputs: [fakeInput('k1', 'Pads'), keys] });
    const onrecorded = vi.fn();
    const oncontinue = vi.fn();
    const user = userEvent.setup();
    await mount({ onrecorded, oncontinue });
    const select = await screen.findByTestId('midi-input');
    await vi.waitFor(() => expect(select.querySelectorAll('option')).toHaveLength(2));
    await user.selectOptions(select, 'k2');
    const bpm = screen.getByTestId('record-bpm');
    await user.clear(bpm);
    await user.type(bpm, '240'); // a one-second count-in bar
    await user.click(screen.getByTestId('record'));
    expect(keys.opened).toBe(true);
    expect(seen.sysexAsked).toBe(false);
    await vi.waitFor(() => expect(screen.getByTestId('record-status')).toHaveTextContent(/^Count-in [1-4]…$/));
    // Played during the count-in and released before the downbeat: not part of the recording.
    keys.send([0x90, 40, 50]);
    keys.send([0x80, 40, 0]);
    await vi.waitFor(() => expect(screen.getByTestId('record-status')).toHaveTextContent(/^Recording/), {
      timeout: 3000,
    });
    keys.send([0x90, 60, 100]);
    keys.send([0x90, 64, 90]);
    await vi.waitFor(() => expect(screen.getByTestId('record-status')).toHaveTextContent('· 2 notes'));
    await new Promise((r) => setTimeout(r, 200));
    keys.send([0x80, 60, 0]);
    keys.send([0x90, 64, 0]);
    await user.click(screen.getByTestId('record-stop'));
    expect(screen.getByTestId('record-status')).toHaveTextContent(/^Recorded 0:0\d · 2 notes$/);
    // The first call clears any earlier recording; the last brings the new one.
    expect(onrecorded.mock.calls[0]).toEqual([null]);
    const bytes = onrecorded.mock.lastCall![0] as Uint8Array;
    const midi = new Midi(bytes);
    expect(midi.header.tempos[0]!.bpm).toBeCloseTo(240, 3);
    expect(midi.tracks.flatMap((t) => t.notes.map((n) => n.midi)).sort()).toEqual([60, 64]);
    // Messages after stopping are not recorded.
    keys.send([0x90, 70, 100]);
    await user.click(screen.getByTestId('continue-recording'));
    expect(oncontinue).toHaveBeenCalledOnce();
  });

  it('says so when nothing was played', async () => {
    const keys = fakeInput('k1', 'Keys');
    installWebMidi({ inputs: [keys] });
    const onrecorded = vi.fn();
    const user = userEvent.setup();
    await mount({ onrecorded, oncontinue: vi.fn() });
    await user.click(await screen.findByTestId('record'));
    await user.click(screen.getByTestId('record-stop'));
    expect(screen.getByTestId('record-error')).toHaveTextContent('Nothing was played: no notes recorded.');
    expect(onrecorded.mock.lastCall).toEqual([null]);
    expect(screen.queryByTestId('continue-recording')).toBeNull();
  });
});

import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { midiDevices } from './midiDevices.svelte';
import { playback } from './playback.svelte';
import SoundSettings from './SoundSettings.svelte';
import { soundBankKind } from './soundBank';
import { fakeOutput, installWebMidi } from './testing/fakeWebMidi';

afterEach(() => {
  midiDevices.setOutput('');
  midiDevices.reset();
});

describe('SoundSettings', () => {
  it('shows the shipped bank until one is chosen, and refuses a file that is not a sound bank', async () => {
    installWebMidi({});
    midiDevices.reset();
    const user = userEvent.setup();
    render(SoundSettings);
    expect(screen.getByTestId('bank-name')).toHaveTextContent('Clara GM (shipped)');
    await user.upload(
      screen.getByTestId('bank-file'),
      new File(['MThd not a soundfont'], 'song.sf2', { type: 'application/octet-stream' }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent('song.sf2: not a SoundFont (.sf2/.sf3) or DLS file');
    expect(screen.getByTestId('bank-name')).toHaveTextContent('Clara GM (shipped)');
  });

  it('plays to a chosen MIDI output instead of the sound bank, and back', async () => {
    installWebMidi({ outputs: [fakeOutput('o1', 'DAW In'), fakeOutput('o2', 'Hardware Synth')] });
    midiDevices.reset();
    const user = userEvent.setup();
    render(SoundSettings);
    const select = await screen.findByRole('combobox', { name: 'Play to' });
    await vi.waitFor(() => expect(select.querySelectorAll('option')).toHaveLength(3));
    await user.selectOptions(select, 'o2');
    expect(playback.sound).toBe('MIDI out: Hardware Synth');
    expect(midiDevices.outputId).toBe('o2');
    await user.selectOptions(select, '');
    expect(playback.sound).toBe('');
  });

  it('says in one line when Web MIDI is missing', async () => {
    installWebMidi(null);
    midiDevices.reset();
    render(SoundSettings);
    expect(await screen.findByTestId('output-problem')).toHaveTextContent('Web MIDI is not available here');
  });
});

describe('soundBankKind', () => {
  const riff = (form: string) => new TextEncoder().encode(`RIFF\0\0\0\0${form}LIST`);
  it('knows SoundFont and DLS files by their RIFF form', () => {
    expect(soundBankKind(riff('sfbk'))).toBe('sf2');
    expect(soundBankKind(riff('DLS '))).toBe('dls');
    expect(soundBankKind(riff('WAVE'))).toBeNull();
    expect(soundBankKind(new TextEncoder().encode('MThd'))).toBeNull();
  });
});

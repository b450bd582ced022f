import { playback } from './playback.svelte';

/**
 * The computer's MIDI ports through plain Web MIDI (no sysex): inputs to record a prompt from, and
 * an output to play samples to instead of the sound bank. Access is asked for once, when a view
 * first needs it (the desktop app grants `midi` to its own page only; a browser may ask the user).
 */
class MidiDevices {
  status = $state<'idle' | 'asking' | 'ready' | 'unavailable'>('idle');
  /** Why there is no MIDI, in one line (empty when there is). */
  problem = $state('');
  inputs = $state.raw<MIDIInput[]>([]);
  outputs = $state.raw<MIDIOutput[]>([]);
  /** The output samples play to ('' for the sound bank). */
  outputId = $state('');
  private asking: Promise<void> | null = null;

  /** Asks for MIDI access (once); afterwards `inputs` and `outputs` follow devices coming and going. */
  connect(): Promise<void> {
    this.asking ??= this.ask();
    return this.asking;
  }

  /** Forgets the access asked for, so the next `connect` asks again (and tests start afresh). */
  reset(): void {
    this.asking = null;
    this.status = 'idle';
    this.problem = '';
    this.inputs = [];
    this.outputs = [];
    this.outputId = '';
  }

  private async ask(): Promise<void> {
    if (typeof navigator === 'undefined' || typeof navigator.requestMIDIAccess !== 'function') {
      this.status = 'unavailable';
      this.problem = 'Web MIDI is not available here, so no MIDI keyboard or MIDI output can be used.';
      return;
    }
    this.status = 'asking';
    try {
      const access = await navigator.requestMIDIAccess({ sysex: false });
      const refresh = () => {
        this.inputs = [...access.inputs.values()];
        this.outputs = [...access.outputs.values()];
        if (this.outputId && !this.outputs.some((o) => o.id === this.outputId)) this.setOutput('');
      };
      access.addEventListener('statechange', refresh);
      refresh();
      this.status = 'ready';
      this.problem = '';
    } catch (e) {
      this.status = 'unavailable';
      this.problem = `MIDI devices cannot be used: ${e instanceof Error ? e.message : String(e)}`;
      this.asking = null;
    }
  }

  /** Plays samples to this output ('' for the sound bank). */
  setOutput(id: string): void {
    const out = this.outputs.find((o) => o.id === id) ?? null;
    this.outputId = out ? id : '';
    playback.setOutput(out ? { name: out.name ?? 'MIDI output', send: (d) => out.send(d) } : null);
  }
}

export const midiDevices = new MidiDevices();

/**
 * A fake Web MIDI for component tests (jsdom has none): `install` puts a requestMIDIAccess on
 * navigator with the given inputs and outputs; an input's `send` dispatches a midimessage stamped
 * on performance.now()'s clock, as browsers stamp them; an output records what it is sent.
 */
export interface FakeInput extends EventTarget {
  id: string;
  name: string;
  opened: boolean;
  send(bytes: number[]): void;
}

export interface FakeOutput {
  id: string;
  name: string;
  sent: number[][];
}

export function fakeInput(id: string, name: string): FakeInput {
  const port = new EventTarget() as FakeInput;
  Object.assign(port, {
    id,
    name,
    type: 'input',
    state: 'connected',
    opened: false,
    open: async () => {
      port.opened = true;
      return port;
    },
    send(bytes: number[]) {
      const e = new Event('midimessage');
      Object.defineProperty(e, 'data', { value: new Uint8Array(bytes) });
      Object.defineProperty(e, 'timeStamp', { value: performance.now() });
      port.dispatchEvent(e);
    },
  });
  return port;
}

export function fakeOutput(id: string, name: string): FakeOutput {
  const sent: number[][] = [];
  return { id, name, sent, send: (d: number[]) => void sent.push([...d]) } as FakeOutput;
}

/** Installs the fake (or, with `null`, removes Web MIDI altogether); returns the sysex requests seen. */
export function installWebMidi(ports: { inputs?: FakeInput[]; outputs?: FakeOutput[] } | null): {
  sysexAsked: boolean;
} {
  const seen = { sysexAsked: false };
  if (!ports) {
    Object.defineProperty(navigator, 'requestMIDIAccess', { value: undefined, configurable: true });
    return seen;
  }
  const access = new EventTarget();
  Object.assign(access, {
    inputs: new Map((ports.inputs ?? []).map((p) => [p.id, p])),
    outputs: new Map((ports.outputs ?? []).map((p) => [p.id, p])),
    sysexEnabled: false,
  });
  Object.defineProperty(navigator, 'requestMIDIAccess', {
    configurable: true,
    value: async (opts?: MIDIOptions) => {
      if (opts?.sysex) seen.sysexAsked = true;
      return access;
    },
  });
  return seen;
}

import { encodeSmf, type SmfEvent } from '../core/midi/smf';

/**
 * A type-1 piano file of `count` notes in two hands, written with the linear SMF writer (the test
 * helper makeMidi goes through @tonejs/midi's writer, which is quadratic). Overlapping notes of
 * the same pitch are avoided so every reader pairs them alike.
 */
export function bigPianoMidi(count: number, opts: { ppq?: number; text?: string } = {}): Uint8Array {
  const ppq = opts.ppq ?? 480;
  const step = ppq / 4;
  const hands: SmfEvent[][] = [[], []];
  for (let i = 0; i < count; i++) {
    const hand = i % 2;
    const k = Math.floor(i / 2);
    const pitch = hand === 0 ? 60 + (k % 24) : 36 + (k % 24);
    const start = k * step;
    const ch = hand;
    hands[hand]!.push({ tick: start, type: 'noteOn', channel: ch, note: pitch, velocity: 40 + (k % 80) });
    hands[hand]!.push({ tick: start + step - 1, type: 'noteOff', channel: ch, note: pitch, velocity: 0 });
  }
  const conductor: SmfEvent[] = [
    { tick: 0, type: 'trackName', text: opts.text ?? 'Big piece' },
    { tick: 0, type: 'tempo', microsecondsPerBeat: 500_000 },
    { tick: 0, type: 'timeSignature', numerator: 4, denominator: 4 },
  ];
  const named = (name: string, ch: number, events: SmfEvent[]): SmfEvent[] => [
    { tick: 0, type: 'trackName', text: name },
    { tick: 0, type: 'program', channel: ch, program: 0 },
    ...events,
  ];
  return encodeSmf(ppq, [conductor, named('Piano right', 0, hands[0]!), named('Piano left', 1, hands[1]!)]);
}

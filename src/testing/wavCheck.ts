import { expect } from 'vitest';
import { RELEASE_TAIL_S } from '../core/audio/render';
import { readWavHeader, wavRms } from '../shared/wav';

/** A WAV's length, level and format, checked against the MIDI it was rendered from. */
export function checkWav(wav: Uint8Array, midiSeconds: number, sampleRate: number): { seconds: number; rms: number } {
  const h = readWavHeader(wav);
  expect([h.format, h.channels, h.bitsPerSample, h.sampleRate]).toEqual([1, 2, 16, sampleRate]);
  expect(h.dataOffset + h.dataBytes).toBe(wav.length);
  // The MIDI's length plus the release tail (to a frame), and a level well above silence (−40 dBFS).
  expect(h.seconds).toBeGreaterThanOrEqual(midiSeconds + RELEASE_TAIL_S - 0.01);
  expect(h.seconds).toBeLessThanOrEqual(midiSeconds + RELEASE_TAIL_S + 0.5);
  const rms = wavRms(wav);
  expect(rms).toBeGreaterThan(0.01);
  return { seconds: h.seconds, rms };
}

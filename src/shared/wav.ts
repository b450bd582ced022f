/**
 * 16-bit PCM WAV files: the loudness every render is brought to, writing float channels, and
 * reading a file's header back (what tests and callers check: format, rate, channels, length).
 * In shared/ because `clara render` (core) and the studio's WAV export (renderer) must give the same
 * file: one encoder and one loudness rule for both.
 */

/** −1 dBFS: where the loudest sample of a rendered file lands. */
export const PEAK_TARGET = 10 ** (-1 / 20);
/** At most +24 dB, so near-silence stays quiet. */
export const MAX_GAIN = 16;

/**
 * Brings the loudest sample to −1 dBFS in place — the synth leaves a lot of headroom (a solo sonata
 * peaks near −14 dBFS) — by at most +24 dB; a peak above full scale comes down the same way.
 */
export function normalizePeak(channels: readonly Float32Array[]): { peak: number; gain: number } {
  let peak = 0;
  for (const ch of channels) for (let i = 0; i < ch.length; i++) peak = Math.max(peak, Math.abs(ch[i]!));
  const gain = peak > 0 ? Math.min(PEAK_TARGET / peak, MAX_GAIN) : 1;
  if (gain !== 1) for (const ch of channels) for (let i = 0; i < ch.length; i++) ch[i]! *= gain;
  return { peak, gain };
}

/** Interleaves float channels (−1..1, clipped) into a 16-bit PCM RIFF/WAVE file. */
export function encodeWav16(channels: readonly Float32Array[], sampleRate: number): Uint8Array {
  const n = channels[0]?.length ?? 0;
  const c = channels.length;
  if (c === 0 || channels.some((ch) => ch.length !== n)) throw new Error('WAV channels must be non-empty and equal');
  const dataBytes = n * c * 2;
  const out = new Uint8Array(44 + dataBytes);
  const v = new DataView(out.buffer);
  const ascii = (at: number, s: string) => {
    for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  v.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true); // PCM
  v.setUint16(22, c, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * c * 2, true);
  v.setUint16(32, c * 2, true);
  v.setUint16(34, 16, true);
  ascii(36, 'data');
  v.setUint32(40, dataBytes, true);
  const pcm = new Int16Array(out.buffer, 44, n * c);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < c; k++) {
      const x = Math.max(-1, Math.min(1, channels[k]![i]!));
      pcm[i * c + k] = Math.round(x < 0 ? x * 0x8000 : x * 0x7fff);
    }
  }
  return out;
}

export interface WavInfo {
  format: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** Frames (one sample per channel). */
  frames: number;
  seconds: number;
  /** Byte offset and length of the data chunk. */
  dataOffset: number;
  dataBytes: number;
}

/** Reads a RIFF/WAVE header (any chunk order); throws on anything that is not one. */
export function readWavHeader(bytes: Uint8Array): WavInfo {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new Error('not a RIFF/WAVE file');
  let fmt: Pick<WavInfo, 'format' | 'channels' | 'sampleRate' | 'bitsPerSample'> | null = null;
  for (let at = 12; at + 8 <= bytes.length;) {
    const id = tag(at);
    const size = v.getUint32(at + 4, true);
    if (id === 'fmt ')
      fmt = {
        format: v.getUint16(at + 8, true),
        channels: v.getUint16(at + 10, true),
        sampleRate: v.getUint32(at + 12, true),
        bitsPerSample: v.getUint16(at + 22, true),
      };
    if (id === 'data') {
      if (!fmt) throw new Error('WAV data chunk before its fmt chunk');
      const frames = size / (fmt.channels * (fmt.bitsPerSample / 8));
      return { ...fmt, frames, seconds: frames / fmt.sampleRate, dataOffset: at + 8, dataBytes: size };
    }
    at += 8 + size + (size & 1);
  }
  throw new Error('WAV file has no data chunk');
}

/** Root-mean-square level of a 16-bit PCM WAV's samples, full scale = 1. */
export function wavRms(bytes: Uint8Array): number {
  const h = readWavHeader(bytes);
  if (h.format !== 1 || h.bitsPerSample !== 16) throw new Error('only 16-bit PCM WAV is measured');
  const v = new DataView(bytes.buffer, bytes.byteOffset + h.dataOffset, h.dataBytes);
  let sum = 0;
  const n = h.dataBytes / 2;
  for (let i = 0; i < n; i++) {
    const x = v.getInt16(i * 2, true) / 0x8000;
    sum += x * x;
  }
  return n ? Math.sqrt(sum / n) : 0;
}

/**
 * The encodings and their defaults, without zod (the renderer imports this for its forms; the
 * option schemas in options.ts build on it).
 */
export const ENCODING_NAMES = ['notewise', 'chordwise'] as const;
export type EncodingName = (typeof ENCODING_NAMES)[number];

/**
 * Steps per quarter note when none is asked for: 12 keeps triplets and sixteenths exact for
 * notewise; chordwise, one word a step, sees three times further at 4 (Clara: triplets slightly
 * distorted, longer patterns learnt).
 */
export const DEFAULT_SAMPLE_FREQ: Readonly<Record<EncodingName, number>> = Object.freeze({
  notewise: 12,
  chordwise: 4,
});

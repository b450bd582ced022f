/**
 * MIDI has no composer field. Files carry one by convention only: a leading text event with the
 * composer's name (piano-midi.de: "Ludwig van Beethoven"), a `composer:` text, or a track named
 * "Beethoven: Sonate Op. 57". These heuristics read those conventions and refuse to guess beyond them.
 */
export interface MetaText {
  text: string;
  ticks: number;
  type: string;
}

/** Template words left in a track name by a sequencer ("Composer: piece"), never a person. */
const PLACEHOLDERS = /^(composer|komponist|title|titel|piece|name|author|unknown|track|spur)$/i;
const NAME_PARTICLES = new Set(['van', 'von', 'de', 'di', 'da', 'del', 'der', 'le', 'la', 'du', 'y', 'e']);
const NOT_A_NAME = /copyright|©|\(c\)|http|www\.|@|edition|update|sequenced|creator|lilypond|\d/i;

function fold(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .trim();
}

function looksLikePersonName(text: string): boolean {
  const t = text.trim();
  if (t.length < 3 || t.length > 60 || NOT_A_NAME.test(t)) return false;
  const words = t.split(/\s+/);
  if (words.length > 5) return false;
  return words.every((w) => NAME_PARTICLES.has(w.toLowerCase()) || /^\p{Lu}[\p{L}.'’-]*$/u.test(w));
}

/** "Beethoven: Sonate Op. 57" or "Albeniz :Espana Op. 165" → ["Beethoven", "Sonate Op. 57"]. */
export function splitComposerTitle(name: string): [string, string] | null {
  const m = /^\s*([^:]{2,40}?)\s*:\s*(.+?)\s*$/.exec(name.replace(/^\s*(composer|komponist)\s*:\s*/i, ''));
  if (!m) return null;
  const [, who, what] = m;
  if (!who || !what || PLACEHOLDERS.test(who) || !looksLikePersonName(who)) return null;
  return [who.trim(), what.trim()];
}

export function composerFromMeta(meta: MetaText[], trackNames: string[]): string | null {
  for (const e of meta) {
    const m = /^\s*(?:composer|komponist|compositeur)\s*[:=]\s*(.+?)\s*$/i.exec(e.text);
    if (m?.[1]) return m[1];
  }
  const named = trackNames.map(splitComposerTitle).find((x) => x !== null);
  const firstText = meta.find((e) => e.type === 'text' && e.ticks === 0 && e.text.trim() !== '');
  if (firstText && named && looksLikePersonName(firstText.text)) {
    // A lone leading text could be a tempo word ("Vivo") or the sequencer's name: believe it only
    // when a composer-titled track agrees on the surname, and then prefer its fuller form.
    const candidate = firstText.text.trim();
    if (sameSurname(candidate, named[0])) return candidate;
  }
  return named ? named[0] : null;
}

export function surname(name: string): string {
  return fold(name.split(/\s+/).at(-1) ?? '');
}

export function sameSurname(a: string, b: string): boolean {
  const sa = surname(a);
  const sb = surname(b);
  // Spellings drift between files ("Balakirev"/"Balakirew", "Tchaikovsky"/"Tschaikowsky"): the first five letters decide.
  return sa.length >= 3 && sb.length >= 3 && sa.slice(0, 5) === sb.slice(0, 5);
}

/** First names, folded, for telling J. S. Bach from C. P. E. Bach: empty for a surname alone. */
export function givenNames(name: string): string[] {
  return fold(name)
    .split(/\s+/)
    .slice(0, -1)
    .map((w) => w.replace(/\.$/, ''))
    .filter((w) => w !== '' && !NAME_PARTICLES.has(w));
}

/**
 * Whether two names with the same surname can be one person: given names absent on one side, or
 * each given name (or initial) of the shorter list matching one of the longer ("S." and "Serge",
 * "Amadeus" and "Wolfgang Amadeus"), but not "Johann Sebastian" and "Carl Philipp Emanuel".
 */
export function compatibleGivenNames(a: string, b: string): boolean {
  const [short, long] = [givenNames(a), givenNames(b)].sort((x, y) => x.length - y.length) as [string[], string[]];
  if (short.length === 0) return true;
  const same = (x: string, y: string): boolean =>
    x.length === 1 || y.length === 1 ? x[0] === y[0] : x.slice(0, 3) === y.slice(0, 3);
  return short.every((g) => long.some((h) => same(g, h)));
}

const GENERIC_TRACK = /^(piano|right|left|rh|lh|upper|lower|track|pedal|tempo|untitled|\\new)\b/i;

export function titleFromMeta(headerName: string, trackNames: string[], fileStem: string): string {
  const named = trackNames.map(splitComposerTitle).find((x) => x !== null);
  if (named) return named[1];
  const h = headerName.trim();
  if (h && !GENERIC_TRACK.test(h) && !NOT_A_NAME.test(h.replace(/\d/g, ''))) return h;
  return fileStem;
}

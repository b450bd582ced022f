/**
 * The file extensions a MIDI file is saved with (.smf and .kar, karaoke MIDI, are Standard MIDI
 * Files too). The import walker, the upload check, the file pickers and the drop zones all read
 * this one list, so a file the picker offers is never refused by the server, nor skipped in a folder.
 */
export const MIDI_EXTENSIONS = ['mid', 'midi', 'kar', 'smf'] as const;

const MIDI_NAME = new RegExp(`\\.(${MIDI_EXTENSIONS.join('|')})$`, 'i');

export function isMidiFileName(name: string): boolean {
  return MIDI_NAME.test(name);
}

/** For an `<input type="file" accept>`. */
export const MIDI_ACCEPT = MIDI_EXTENSIONS.map((e) => `.${e}`).join(',');

/** For messages: ".mid, .midi, .kar or .smf". */
export const MIDI_EXTENSIONS_TEXT = MIDI_EXTENSIONS.map((e) => `.${e}`)
  .join(', ')
  .replace(/, ([^,]*)$/, ' or $1');

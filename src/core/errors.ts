/** An error a user can act on: it names the file or field at fault. */
export class ClaraError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly subject?: string,
  ) {
    super(subject ? `${subject}: ${message}` : message);
    this.name = 'ClaraError';
  }
}

/** A MIDI file that cannot be imported or encoded, with the reason in plain words. */
export class MidiInputError extends ClaraError {
  constructor(message: string, path?: string) {
    super(message, 'bad-midi', path);
    this.name = 'MidiInputError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

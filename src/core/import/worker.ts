/**
 * The import's parse step in a worker thread: MIDI bytes in, a piece ready for the catalog out
 * (notes already packed as the catalog's blob, transferred rather than copied). Parsing and the
 * encodings' facts are the CPU-heavy part of an import; here they cannot stall the studio's main
 * thread, and a file that takes too long is cut short by terminating the worker.
 */
import { parentPort } from 'node:worker_threads';
import { packNotes } from '../catalog/notesBlob';
import { errorMessage } from '../errors';
import { readMidi } from '../midi/read';
import { encodingFacts } from './facts';
import type { ParseReply, ParseRequest } from './parseWorker';

export function handleParse(req: ParseRequest): { reply: ParseReply; transfer: ArrayBuffer[] } {
  try {
    const parsed = readMidi(req.bytes, { path: req.path, pedal: req.pedal, fileStem: req.fileStem });
    const encodings = encodingFacts(parsed, req.encodings);
    const blob = packNotes(parsed.notes);
    // A Buffer may sit in Node's shared pool: copy into an ArrayBuffer of its own to transfer it.
    const notes = new Uint8Array(blob.length);
    notes.set(blob);
    return {
      reply: { id: req.id, ok: true, parsed: { ...parsed, notes: [] }, notes, encodings },
      transfer: [notes.buffer],
    };
  } catch (err) {
    return { reply: { id: req.id, ok: false, error: errorMessage(err) }, transfer: [] };
  }
}

parentPort?.on('message', (req: ParseRequest) => {
  const { reply, transfer } = handleParse(req);
  parentPort!.postMessage(reply, transfer);
});

import { Worker } from 'node:worker_threads';
import type { NewPiece } from '../catalog/catalog';
import type { ParsedPiece } from '../midi/types';
import type { EncodingRequest } from './facts';
import { workerEntry } from '../workers/entry';

export interface ParseRequest {
  id: number;
  bytes: Uint8Array;
  path: string;
  fileStem: string;
  pedal: boolean;
  encodings: EncodingRequest[];
}

export type ParseReply =
  | { id: number; ok: true; parsed: ParsedPiece; notes: Uint8Array; encodings: NewPiece['encodings'] }
  | { id: number; ok: false; error: string };

export class ParseCancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

/**
 * One worker thread that parses files for an import, one at a time. `cancel()` terminates it at
 * once, mid-file; a later `parse` starts a fresh one.
 */
export class ParseWorker {
  private worker: Worker | null = null;
  private pending: { id: number; resolve: (r: ParseReply) => void; reject: (e: Error) => void } | null = null;
  private nextId = 1;

  private start(): Worker {
    const entry = workerEntry(import.meta.url, './worker.ts', 'importWorker.js');
    // A file that would need more than this is refused (the worker dies, the file is reported failed), not the studio.
    const w = new Worker(entry.file, {
      workerData: entry.workerData,
      resourceLimits: { maxOldGenerationSizeMb: 1024 },
    });
    w.on('message', (reply: ParseReply) => {
      const p = this.pending;
      if (p && p.id === reply.id) {
        this.pending = null;
        p.resolve(reply);
      }
    });
    const fail = (err: Error): void => {
      if (this.worker === w) this.worker = null;
      const p = this.pending;
      this.pending = null;
      p?.reject(err);
    };
    w.on('error', (err) => fail(err));
    w.on('exit', (code) => fail(new Error(`the import worker stopped (exit code ${code})`)));
    this.worker = w;
    return w;
  }

  parse(req: Omit<ParseRequest, 'id'>, signal?: AbortSignal): Promise<ParseReply> {
    if (signal?.aborted) return Promise.reject(new ParseCancelled());
    const w = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<ParseReply>((resolve, reject) => {
      const onAbort = (): void => {
        this.pending = null;
        reject(new ParseCancelled());
        void this.close();
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pending = {
        id,
        resolve: (r) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(r);
        },
        reject: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      // The bytes are not needed here afterwards: move them rather than copy.
      const bytes =
        req.bytes.byteOffset === 0 && req.bytes.byteLength === req.bytes.buffer.byteLength
          ? req.bytes
          : req.bytes.slice();
      w.postMessage({ ...req, bytes, id }, [bytes.buffer as ArrayBuffer]);
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w) await w.terminate();
  }
}

/**
 * Exposes the one typed `studio` API to the sandboxed renderer. Nothing of Node or Electron leaks
 * through: each method forwards a method name and a plain payload, which the main process validates.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { StudioApi, StudioEvent } from '../shared/api';
import { API_METHODS } from '../shared/methods';

type Reply = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

const studio = Object.fromEntries(
  API_METHODS.map((method) => [
    method,
    async (input: unknown) => {
      const reply = (await ipcRenderer.invoke('studio:call', method, input)) as Reply;
      if (!reply.ok) throw Object.assign(new Error(reply.error.message), { code: reply.error.code });
      return reply.value;
    },
  ]),
) as unknown as StudioApi;

contextBridge.exposeInMainWorld('studio', studio);
contextBridge.exposeInMainWorld('studioEvents', {
  subscribe(fn: (e: StudioEvent) => void): () => void {
    const listener = (_e: IpcRendererEvent, payload: StudioEvent) => fn(payload);
    ipcRenderer.on('studio:event', listener);
    return () => void ipcRenderer.removeListener('studio:event', listener);
  },
  /** Starts an OS drag of a sample's MIDI file (the desktop app only). */
  dragSample(id: number): void {
    ipcRenderer.send('studio:drag', id);
  },
});

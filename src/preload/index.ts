/**
 * Exposes the one typed `studio` API to the sandboxed renderer. Nothing of Node or Electron leaks
 * through: each method forwards a method name and a plain payload, which the main process validates.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { StudioApi } from '../shared/api';
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

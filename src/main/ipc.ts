import { ipcMain, nativeImage, type BrowserWindow, type IpcMainEvent, type IpcMainInvokeEvent } from 'electron';
import type { StudioService } from '../studio/service';
import { toApiError, validateCall } from '../shared/api';
import { draggableSampleFile } from './policy';

const DRAG_ICON =
  'iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAYAAABzenr0AAAAP0lEQVR4nO3OMQ0AIAwAsPm/NDFgAg8QEk7YJ2XOXQUAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB4bAF2hQPh4F8ZIgAAAABJRU5ErkJggg==';

/**
 * Serves the StudioApi over IPC. Calls are accepted only from the app's own page, validated against
 * the shared schemas, and answered with `{ok, value}` or `{ok: false, error: {code, message}}`.
 * Engine events go to the window as `studio:event`.
 */
export function serveStudioIpc(
  service: StudioService,
  isAppUrl: (url: string) => boolean,
  window: () => BrowserWindow | null,
): void {
  const trusted = (event: IpcMainInvokeEvent | IpcMainEvent) =>
    Boolean(event.senderFrame && isAppUrl(event.senderFrame.url));
  ipcMain.handle('studio:call', async (event: IpcMainInvokeEvent, method: unknown, payload: unknown) => {
    if (!trusted(event))
      return { ok: false, error: { code: 'forbidden', message: 'calls are accepted only from the studio itself' } };
    try {
      const call = validateCall(method, payload);
      return { ok: true, value: await service.call(call.method, call.input) };
    } catch (err) {
      return { ok: false, error: toApiError(err) };
    }
  });
  // Dragging a sample out of the window hands the OS (and a DAW) the real .mid file. The renderer
  // names a sample id, never a path, and only a .mid file inside the data folder ever leaves.
  ipcMain.on('studio:drag', (event: IpcMainEvent, id: unknown) => {
    if (!trusted(event) || typeof id !== 'number' || !Number.isInteger(id) || id <= 0) return;
    try {
      const file = draggableSampleFile(service.sampleFile(id), service.dataDir);
      if (file)
        event.sender.startDrag({ file, icon: nativeImage.createFromDataURL(`data:image/png;base64,${DRAG_ICON}`) });
    } catch {
      // An unknown sample: nothing to drag.
    }
  });
  service.jobs.subscribe((e) => {
    const w = window();
    if (w && !w.isDestroyed()) w.webContents.send('studio:event', e);
  });
}

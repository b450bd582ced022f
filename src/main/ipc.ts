import { ipcMain, type IpcMainInvokeEvent } from 'electron';
import type { StudioService } from '../core/studio/service';
import { errorMessage, ClaraError } from '../core/errors';
import { validateCall, type ApiError } from '../shared/api';

/**
 * Serves the StudioApi over IPC. Calls are accepted only from the app's own page, validated against
 * the shared schemas, and answered with `{ok, value}` or `{ok: false, error: {code, message}}`.
 */
export function serveStudioIpc(service: StudioService, isAppUrl: (url: string) => boolean): void {
  ipcMain.handle('studio:call', async (event: IpcMainInvokeEvent, method: unknown, payload: unknown) => {
    if (!event.senderFrame || !isAppUrl(event.senderFrame.url)) {
      return { ok: false, error: { code: 'forbidden', message: 'calls are accepted only from the studio itself' } };
    }
    try {
      const call = validateCall(method, payload);
      return { ok: true, value: await service.call(call.method, call.input) };
    } catch (err) {
      const error: ApiError =
        err instanceof ClaraError
          ? { code: err.code, message: err.message }
          : typeof err === 'object' && err !== null && 'code' in err && 'message' in err
            ? (err as ApiError)
            : { code: 'internal', message: errorMessage(err) };
      return { ok: false, error };
    }
  });
}

import type { ApiMethod, StudioApi } from '../../shared/api';

declare global {
  interface Window {
    studio?: StudioApi;
  }
}

/**
 * The studio API as the renderer sees it: Electron's preload bridge when present, otherwise HTTP to
 * the served twin that loaded this page, with the token it was opened with.
 */
function httpApi(): StudioApi {
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const call = async (method: ApiMethod, input: unknown): Promise<unknown> => {
    const res = await fetch(`/api/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(input ?? {}),
    });
    const body = (await res.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
    if (!body.ok) throw Object.assign(new Error(body.error?.message ?? res.statusText), { code: body.error?.code });
    return body.value;
  };
  return new Proxy({} as StudioApi, { get: (_t, method) => (input: unknown) => call(method as ApiMethod, input) });
}

export const api: StudioApi = window.studio ?? httpApi();

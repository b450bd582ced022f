import { net, protocol } from 'electron';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CSP } from './security';

export const APP_ORIGIN = 'app://studio';

/**
 * The renderer is served from `app://studio/` rather than file://: Chromium refuses fetch() on
 * file URLs, and the sampled instruments load through fetch. The handler serves only files inside
 * the built renderer folder. Must be called before the app is ready.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export function serveAppProtocol(rendererDir: string): void {
  const root = path.resolve(rendererDir);
  protocol.handle('app', async (req) => {
    const url = new URL(req.url);
    if (url.host !== 'studio') return new Response('not found', { status: 404 });
    const file = path.resolve(root, `.${path.posix.normalize(decodeURIComponent(url.pathname))}`);
    if (!file.startsWith(root + path.sep)) return new Response('not found', { status: 404 });
    const res = await net.fetch(pathToFileURL(file).toString());
    if (!file.endsWith('.html')) return res;
    return new Response(res.body, { status: res.status, headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP } });
  });
}

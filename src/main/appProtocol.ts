import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import { APP_ORIGIN, APP_SCHEME, resolveAppRequest } from './policy';
import { CSP } from './security';

export { APP_ORIGIN };

/**
 * The renderer is served from `app://studio/` rather than file://: Chromium refuses fetch() on
 * file URLs, and the sound bank loads through fetch. The handler serves only files inside
 * the built renderer folder. Must be called before the app is ready.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

export function serveAppProtocol(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (req) => {
    const target = resolveAppRequest(rendererDir, req.url);
    if ('status' in target) return new Response(target.reason, { status: target.status });
    let res: Response;
    try {
      res = await net.fetch(pathToFileURL(target.file).toString());
    } catch {
      // net.fetch rejects for a missing file: answer it like any server would.
      return new Response('not found', { status: 404 });
    }
    if (!target.file.endsWith('.html')) return res;
    return new Response(res.body, {
      status: res.status,
      headers: { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP },
    });
  });
}

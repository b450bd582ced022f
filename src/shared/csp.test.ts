import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DESKTOP_CSP, META_CSP, RENDERER_CSP, SERVED_CSP, withCspMeta } from './csp';

const directives = (csp: string) => new Map(csp.split('; ').map((d) => [d.split(' ')[0]!, d]));

describe('the renderer CSPs', () => {
  it('the desktop app allows no WebSocket; the served twin its loopback one', () => {
    expect(directives(DESKTOP_CSP).get('connect-src')).toBe("connect-src 'self'");
    expect(directives(SERVED_CSP).get('connect-src')).toMatch(/ws:\/\/127\.0\.0\.1:\*/);
    expect(RENDERER_CSP).toBe(SERVED_CSP);
  });

  it('differ only in connect-src; the meta is the served one without frame-ancestors', () => {
    const d = directives(DESKTOP_CSP);
    const s = directives(SERVED_CSP);
    expect([...d.keys()]).toEqual([...s.keys()]);
    for (const k of d.keys()) if (k !== 'connect-src') expect(d.get(k)).toBe(s.get(k));
    const m = directives(META_CSP);
    expect(m.has('frame-ancestors')).toBe(false);
    for (const [k, v] of m) expect(s.get(k)).toBe(v);
  });

  it('index.html gets its meta from here, ahead of any script', () => {
    const html = withCspMeta(fs.readFileSync(new URL('../renderer/index.html', import.meta.url), 'utf8'));
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${META_CSP}" />`);
    expect(html.indexOf('Content-Security-Policy')).toBeLessThan(html.indexOf('<script'));
    expect(() => withCspMeta('<html><head></head></html>')).toThrow(/Content-Security-Policy/);
  });
});

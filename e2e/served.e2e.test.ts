import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../src/core/catalog/catalog';
import { importPaths } from '../src/core/import/importer';
import { demoCorpus } from '../src/testing/corpora';
import { haveBrowser, openStudio, target, type Studio } from './harness';

const served = haveBrowser && target === 'served';
let s: Studio;
let dataDir: string;
let evil: http.Server;
let evilOrigin: string;

/** What the catalog holds, asked the way a script would: Bearer header, no Origin. */
async function pieces(): Promise<{ id: number; title: string }[]> {
  const r = await fetch(`${s.origin}/api/listPieces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` },
    body: '{}',
  });
  const body = (await r.json()) as { value: { id: number; title: string }[] };
  return body.value.map(({ id, title }) => ({ id, title })).sort((a, b) => a.id - b.id);
}

beforeAll(async () => {
  if (!served) return;
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clara-e2e-served-'));
  const catalog = Catalog.open(dataDir);
  await importPaths(catalog, [
    path.join(demoCorpus, 'Bach', 'bach_846.mid'),
    path.join(demoCorpus, 'Bach', 'bach_847.mid'),
  ]);
  catalog.close();
  s = await openStudio('served', { dataDir });
  // Another site on the same machine (same host, another port: same-site, so SameSite cookies would not stop it).
  evil = http.createServer((_req, res) => res.end('<!doctype html><title>elsewhere</title>')).listen(0, '127.0.0.1');
  await new Promise((r) => evil.once('listening', r));
  evilOrigin = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  await s?.close();
  evil?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe.skipIf(!served)('served twin: the token', () => {
  it('is not in the server process arguments (what `ps` shows)', () => {
    const cmdline = fs.readFileSync(`/proc/${s.serverPid}/cmdline`, 'utf8');
    expect(cmdline).toContain('serve');
    expect(cmdline).not.toContain(s.token);
  });

  it('leaves the address bar once the page has it, and the studio keeps working after a reload', async () => {
    const { page } = s;
    await expect.poll(() => page.locator('[data-piece-id]').count(), { timeout: 30_000 }).toBe(2);
    expect(page.url()).not.toContain('token');
    expect(page.url()).not.toContain(s.token);
    await page.reload();
    await expect.poll(() => page.locator('[data-piece-id]').count(), { timeout: 30_000 }).toBe(2);
    // Engine events still reach the page through the event socket: a rename elsewhere shows up here.
    const first = Number(await page.locator('[data-piece-id]').first().getAttribute('data-piece-id'));
    const r = await fetch(`${s.origin}/api/updatePiece`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${s.token}` },
      body: JSON.stringify({ id: first, title: 'Renamed by a script' }),
    });
    expect(r.status).toBe(200);
    await page.getByText('Renamed by a script').first().waitFor({ timeout: 15_000 });
    expect(s.problems).toEqual([]);
  });

  it('is useless to a page on another origin that knows it: no deletes, no renames, no event socket', async () => {
    const before = await pieces();
    expect(before).toHaveLength(2);
    const other = await s.context!.newPage();
    await other.goto(evilOrigin);
    const attempts = (await other.evaluate(
      `(async ({ origin, token, id }) => {
        const out = {};
        // No preflight for these: the token in the query and a text/plain body.
        await fetch(origin + '/api/removePiece?token=' + token, { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ id }) }).catch(() => {});
        await fetch(origin + '/api/updatePiece?token=' + token, { method: 'POST', mode: 'no-cors', body: JSON.stringify({ id, title: 'pwned' }) }).catch(() => {});
        // With the header the browser must preflight first, and the preflight is refused.
        out.bearer = await fetch(origin + '/api/removePiece', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token }, body: JSON.stringify({ id }) })
          .then((r) => 'answered ' + r.status, (e) => 'blocked: ' + e.name);
        out.socket = await new Promise((resolve) => {
          const ws = new WebSocket(origin.replace('http', 'ws') + '/events', ['clara-events', 'token.' + token]);
          ws.onopen = () => resolve('open');
          ws.onerror = () => resolve('refused');
        });
        const q = new WebSocket(origin.replace('http', 'ws') + '/events?token=' + token);
        out.querySocket = await new Promise((resolve) => { q.onopen = () => resolve('open'); q.onerror = () => resolve('refused'); });
        return out;
      })(${JSON.stringify({ origin: s.origin, token: s.token, id: before[0]!.id })})`,
    )) as Record<string, string>;
    await other.close();
    expect(attempts).toEqual({ bearer: 'blocked: TypeError', socket: 'refused', querySocket: 'refused' });
    expect(await pieces()).toEqual(before);
  });
});

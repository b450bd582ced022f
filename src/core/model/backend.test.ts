import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repo } from '../../testing/corpora';

/** Each case in a fresh process: tfjs keeps one backend per process, and the picker caches its choice. */
function pick(prefer: string, purpose: 'train' | 'infer'): { ok: boolean; out: string } {
  const script = `
    import { initBackend, describeBackend } from ${JSON.stringify(path.join(repo, 'src/core/model/backend.ts'))};
    try { const r = await initBackend(${JSON.stringify(prefer)}, ${JSON.stringify(purpose)}); console.log(JSON.stringify({ ok: true, out: JSON.stringify(r) + describeBackend(r) })); }
    catch (e) { console.log(JSON.stringify({ ok: false, out: e.message })); }`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    cwd: repo,
  });
  // Nothing else on stdout or stderr: a native library's warnings never reach the user's terminal.
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout.trim()) as { ok: boolean; out: string };
}

describe('the backend picker', () => {
  it('tries node-gpu, webgpu and node for training before wasm, and says why each was skipped', () => {
    const r = pick('auto', 'train');
    expect(r.ok).toBe(true);
    const report = JSON.parse(r.out.slice(0, r.out.indexOf('}backend') + 1)) as {
      chosen: string;
      skipped: Array<{ backend: string; reason: string }>;
    };
    // This machine has no GPU and no native TensorFlow: wasm, after three skips with their reasons.
    expect(report.chosen).toBe('wasm');
    expect(report.skipped.map((s) => s.backend)).toEqual(['node-gpu', 'webgpu', 'node']);
    expect(report.skipped[1]!.reason).toMatch(/Vulkan|WebGPU adapter|webgpu/);
  });

  it('leaves WebGPU out of generation and scoring, and refuses it by name there', () => {
    const auto = pick('auto', 'infer');
    expect(auto.ok).toBe(true);
    expect(auto.out).not.toContain('"webgpu"');
    const forced = pick('webgpu', 'infer');
    expect(forced).toEqual({
      ok: false,
      out: '--backend: the webgpu backend trains models; generation and scoring run on the others (node-gpu, node, wasm, cpu)',
    });
  });
});

/**
 * The direction of dependencies (docs/ARCHITECTURE.md, "Dependencies point inward"), checked by
 * `npm run depcheck` in CI. Type-only imports count: the cycle this guards against was one.
 *
 *   renderer ─▶ shared ◀─ core ◀─ studio ◀─ server ◀─ cli
 *                                         ◀─ main
 *   (studio and the shells also use shared; cli and main also use core; preload uses shared only)
 *
 * shared/ is the contract between processes (API schemas, row types, events, run states) and
 * imports nothing of ours, so the renderer bundle never pulls in engine code.
 */
const SHELLS = '^src/(studio|cli|server|main|renderer|preload)/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle means two modules are one layer; break it by moving the shared part inward.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-not-to-shells',
      severity: 'error',
      comment: 'The engine runs from Node alone: it knows no shell (studio, CLI, server, Electron, renderer).',
      from: { path: '^src/core/' },
      to: { path: SHELLS },
    },
    {
      name: 'core-not-to-test-helpers',
      severity: 'error',
      comment: 'Test helpers are for tests; engine code does not ship them.',
      from: { path: '^src/core/', pathNot: '\\.test\\.ts$' },
      to: { path: '^src/testing/' },
    },
    {
      name: 'shared-is-the-contract',
      severity: 'error',
      comment: 'shared/ is the contract every side reads; it imports nothing of ours outside shared/.',
      from: { path: '^src/shared/' },
      to: { path: '^src/', pathNot: '^src/shared/' },
    },
    {
      name: 'renderer-only-shared',
      severity: 'error',
      comment: 'The renderer talks to the engine through the StudioApi only (shared/ and its own api.ts).',
      from: { path: '^src/renderer/' },
      to: { path: '^src/(core|studio|cli|server|main|preload)/' },
    },
    {
      name: 'preload-only-shared',
      severity: 'error',
      comment: 'The sandboxed preload is one small bundle that requires only electron.',
      from: { path: '^src/preload/' },
      to: { path: '^src/(core|studio|cli|server|main|renderer)/' },
    },
    {
      name: 'studio-not-to-shells',
      severity: 'error',
      comment: 'The studio service is shared by the served twin and the desktop app; it knows neither.',
      from: { path: '^src/studio/' },
      to: { path: '^src/(cli|server|main|renderer|preload)/' },
    },
    {
      name: 'server-apart',
      severity: 'error',
      comment: 'The served twin and the desktop app are siblings over studio; only `clara serve` starts the twin.',
      from: { path: '^src/server/' },
      to: { path: '^src/(cli|main)/' },
    },
    {
      name: 'main-apart',
      severity: 'error',
      comment: 'The desktop app hosts studio itself; it needs neither the CLI nor the served twin.',
      from: { path: '^src/main/' },
      to: { path: '^src/(cli|server)/' },
    },
    {
      name: 'midi-not-to-encoding',
      severity: 'error',
      comment: 'encoding builds on midi (notes, voices, the SMF writer); midi knows nothing of steps or words.',
      from: { path: '^src/core/midi/' },
      to: { path: '^src/core/encoding/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    exclude: { path: '^(out|node_modules)/' },
  },
};

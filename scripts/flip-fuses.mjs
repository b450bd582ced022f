#!/usr/bin/env node
// Flips Clara Studio's Electron fuses (src/main/fuses.ts) in a packaged app, before signing.
//
//   node scripts/flip-fuses.mjs PATH-TO-ELECTRON-BINARY-OR-.app [--asar]
//
// or as electron-builder's afterPack hook (`"afterPack": "./scripts/flip-fuses.mjs"`), which
// finds the binary in the packed folder and assumes the default asar packing.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const { flipClaraFuses, getCurrentFuseWire } = await import('../src/main/fuses.ts');

/** electron-builder's afterPack hook. */
export default async function afterPack(context) {
  const { appOutDir, electronPlatformName, packager, arch } = context;
  const name = packager.appInfo.productFilename;
  const binary =
    electronPlatformName === 'darwin' || electronPlatformName === 'mas'
      ? path.join(appOutDir, `${name}.app`)
      : path.join(appOutDir, electronPlatformName === 'win32' ? `${name}.exe` : (packager.executableName ?? name));
  // electron-builder's Arch enum: 3 is arm64.
  await flipClaraFuses(binary, {
    asar: true,
    resetAdHocDarwinSignature: electronPlatformName === 'darwin' && arch === 3,
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const target = args.find((a) => !a.startsWith('--'));
  if (!target) {
    console.error('usage: node scripts/flip-fuses.mjs PATH-TO-ELECTRON-BINARY-OR-.app [--asar]');
    process.exit(2);
  }
  try {
    await flipClaraFuses(target, {
      asar: args.includes('--asar'),
      resetAdHocDarwinSignature: process.platform === 'darwin' && process.arch === 'arm64',
    });
    console.log(`fuses flipped in ${target}: ${JSON.stringify(await getCurrentFuseWire(target))}`);
  } catch (err) {
    console.error(`${target}: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}

/**
 * The Electron fuses of a packaged Clara Studio: bits in the Electron binary flipped at package
 * time, before signing, so the OS's signature check keeps them from being flipped back. Used by
 * scripts/flip-fuses.mjs; never imported by the app itself.
 */
import { flipFuses, FuseV1Options, FuseVersion, getCurrentFuseWire, type FuseV1Config } from '@electron/fuses';

export interface FuseOptions {
  /** The app is packed as resources/app.asar (electron-builder's default): check and require it. */
  asar: boolean;
  /** macOS arm64 binaries must be re-signed ad hoc after flipping, or they will not start. */
  resetAdHocDarwinSignature?: boolean;
}

export function claraFuses(o: FuseOptions): FuseV1Config {
  return {
    version: FuseVersion.V1,
    resetAdHocDarwinSignature: o.resetAdHocDarwinSignature ?? false,
    // Jobs run in utility processes, so nothing needs ELECTRON_RUN_AS_NODE, which would otherwise let
    // anyone use the signed app as a Node interpreter.
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: false,
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: o.asar,
    [FuseV1Options.OnlyLoadAppFromAsar]: o.asar,
    // The renderer is served from app://, never file://.
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  };
}

/** Flips the fuses of the Electron binary (or the .app bundle on macOS) at `electronPath`. */
export async function flipClaraFuses(electronPath: string, o: FuseOptions): Promise<void> {
  await flipFuses(electronPath, claraFuses(o));
}

export { getCurrentFuseWire };

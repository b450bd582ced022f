import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const StateSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(640).max(20_000),
  height: z.number().int().min(480).max(20_000),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof StateSchema>;

const DEFAULT: WindowState = { width: 1280, height: 820, maximized: false };

/** The window's last size and place, kept beside the catalog; a damaged file falls back to defaults. */
export function loadWindowState(dataDir: string): WindowState {
  try {
    return StateSchema.parse(JSON.parse(fs.readFileSync(path.join(dataDir, 'window-state.json'), 'utf8')));
  } catch {
    return DEFAULT;
  }
}

export function saveWindowState(dataDir: string, state: WindowState): void {
  const file = path.join(dataDir, 'window-state.json');
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(state));
  fs.renameSync(tmp, file);
}

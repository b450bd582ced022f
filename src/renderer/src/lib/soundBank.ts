/**
 * The sound bank playback uses: the one the user chose (an .sf2/.sf3/.dls kept in this origin's
 * IndexedDB, so it survives restarts without passing through the engine), else the General MIDI
 * soundfont shipped with the renderer (resources/public/soundfonts, fetched from the app's own origin).
 */

export const SHIPPED_BANK_URL = './soundfonts/clara-gm.sf3';
export const SHIPPED_BANK_NAME = 'Clara GM (shipped)';

export interface SoundBank {
  name: string;
  bytes: ArrayBuffer;
  source: 'user' | 'shipped';
}

const DB = 'clara-sound';
const STORE = 'banks';
const KEY = 'user';
/** The chosen bank's name on its own, so settings can show it without reading the whole file. */
const NAME_KEY = 'user-name';

/** Whether the bytes look like a SoundFont 2/3 or DLS file (a RIFF form of type sfbk or DLS). */
export function soundBankKind(bytes: ArrayBuffer | Uint8Array): 'sf2' | 'dls' | null {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (b.length < 12) return null;
  const tag = (at: number) => String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
  if (tag(0) !== 'RIFF') return null;
  const form = tag(8);
  return form === 'sfbk' ? 'sf2' : form === 'DLS ' ? 'dls' : null;
}

function open(): Promise<IDBDatabase | null> {
  if (typeof indexedDB === 'undefined') return Promise.resolve(null);
  return new Promise((resolve) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => resolve(null);
    req.onblocked = () => resolve(null);
  });
}

async function run<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T | undefined> {
  const db = await open();
  if (!db) throw new Error('this browser keeps no local storage (IndexedDB), so a chosen sound bank cannot be kept');
  try {
    return await new Promise<T | undefined>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted (is the disk full?)'));
    });
  } finally {
    db.close();
  }
}

/** The user's sound bank, if one was chosen. */
export async function savedBank(): Promise<{ name: string; bytes: ArrayBuffer } | null> {
  try {
    const v = (await run('readonly', (s) => s.get(KEY))) as { name: string; bytes: ArrayBuffer } | undefined;
    return v && v.bytes instanceof ArrayBuffer ? v : null;
  } catch {
    return null;
  }
}

/** Keeps a chosen sound bank; refuses a file that is not a SoundFont or DLS. */
export async function saveBank(name: string, bytes: ArrayBuffer): Promise<void> {
  if (!soundBankKind(bytes)) throw new Error(`${name}: not a SoundFont (.sf2/.sf3) or DLS file`);
  await run('readwrite', (s) => (s.put({ name, bytes }, KEY), s.put(name, NAME_KEY)));
}

/** The chosen bank's name, or null when the shipped one is used. */
export async function savedBankName(): Promise<string | null> {
  try {
    const v = await run('readonly', (s) => s.get(NAME_KEY));
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}

/** Forgets the chosen sound bank: playback goes back to the shipped one. */
export async function clearBank(): Promise<void> {
  await run('readwrite', (s) => (s.delete(KEY), s.delete(NAME_KEY)));
}

/** The bank to play with: the user's, else the shipped one; null (with why) when neither is there. */
export async function loadBank(): Promise<SoundBank | { error: string }> {
  const mine = await savedBank();
  if (mine) return { ...mine, source: 'user' };
  try {
    const r = await fetch(SHIPPED_BANK_URL);
    if (!r.ok) return { error: `no sound bank: the shipped ${SHIPPED_BANK_URL.slice(2)} is missing (${r.status})` };
    const bytes = await r.arrayBuffer();
    if (!soundBankKind(bytes)) return { error: `no sound bank: ${SHIPPED_BANK_URL.slice(2)} is not a SoundFont` };
    return { name: SHIPPED_BANK_NAME, bytes, source: 'shipped' };
  } catch (e) {
    return { error: `no sound bank: ${(e as Error).message}` };
  }
}

import { cleanup, fireEvent, render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type {
  CatalogSummary,
  ImportFailure,
  ImportRecord,
  JobInfo,
  NoteArrays,
  PieceDetail,
  PieceSummary,
} from '../../../shared/api';
import Library from './Library.svelte';

// The view talks to the studio only through api.ts. A fake studio answers it from a small in-memory
// catalog, and every call first goes through the served studio's own schema for that method: a
// payload the contract refuses is recorded (and rejected), and afterEach fails the test on it.
const studio = vi.hoisted(() => ({
  fake: {
    listPieces: vi.fn(),
    catalogSummary: vi.fn(),
    listImports: vi.fn(),
    importFailures: vi.fn(),
    getPiece: vi.fn(),
    pieceNotes: vi.fn(),
    updatePiece: vi.fn(),
    cancelJob: vi.fn(),
    uploadFile: vi.fn(),
    importUploads: vi.fn(),
    importDemo: vi.fn(),
  },
  refused: [] as string[],
}));
const fake = studio.fake;
vi.mock('../api', async (actual) => {
  const { schemaChecked } = await import('../lib/testing/checkedApi');
  return { ...(await actual<typeof import('../api')>()), api: schemaChecked(studio.fake, studio.refused) };
});

const piece = (
  id: number,
  title: string,
  composer: string,
  durationSeconds: number,
  o: Partial<PieceSummary> = {},
): PieceSummary => ({
  id,
  hash: `h${id}`,
  path: `${composer}/${title}.mid`,
  fileName: `${title}.mid`,
  composer,
  composerSource: 'folder',
  title,
  ensemble: 'piano',
  split: id % 3 === 0 ? 'test' : 'train',
  ppq: 480,
  noteCount: 1000 + id,
  durationBeats: durationSeconds * 2,
  durationSeconds,
  instruments: ['Acoustic Grand Piano'],
  importedAt: `2025-05-0${id}T10:00:00Z`,
  ...o,
});

const CATALOG: PieceSummary[] = [
  piece(1, 'Nocturne op. 9 no. 2', 'Chopin', 270),
  piece(2, 'Ballade no. 1', 'Chopin', 560),
  piece(3, 'Violin Sonata no. 5', 'Beethoven', 600, {
    ensemble: 'solo+piano',
    instruments: ['Acoustic Grand Piano', 'Violin'],
  }),
  piece(4, 'Moonlight Sonata', 'Beethoven', 900),
  piece(5, 'Gymnopédie no. 1', 'Satie', 190),
  piece(6, 'String Quartet op. 76', 'Haydn', 1300, { ensemble: 'chamber', instruments: ['Violin', 'Cello'] }),
];
let catalog: PieceSummary[] = [];

type PieceQuery = {
  search?: string;
  composer?: string;
  ensemble?: string;
  sort?: string;
  descending?: boolean;
  limit?: number;
};
const KEY: Record<string, (p: PieceSummary) => string | number> = {
  title: (p) => p.title,
  composer: (p) => p.composer,
  ensemble: (p) => p.ensemble,
  duration: (p) => p.durationSeconds,
  notes: (p) => p.noteCount,
  split: (p) => p.split,
  imported: (p) => p.importedAt,
};
/** The catalog's query, as the engine answers it: filter, sort (ties by title), reverse, limit. */
function query(q: PieceQuery): PieceSummary[] {
  const s = (q.search ?? '').toLowerCase();
  const key = KEY[q.sort ?? 'composer']!;
  const rows = catalog
    .filter((p) => !s || `${p.title} ${p.composer} ${p.path}`.toLowerCase().includes(s))
    .filter((p) => !q.composer || p.composer === q.composer)
    .filter((p) => !q.ensemble || p.ensemble === q.ensemble)
    .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.title.localeCompare(b.title)));
  if (q.descending) rows.reverse();
  return rows.slice(0, q.limit ?? rows.length);
}
function summaryOf(): CatalogSummary {
  const composers = [...new Set(catalog.map((p) => p.composer))].sort();
  return {
    total: catalog.length,
    train: catalog.filter((p) => p.split === 'train').length,
    test: catalog.filter((p) => p.split === 'test').length,
    composers: composers.map((c) => ({ composer: c, pieces: catalog.filter((p) => p.composer === c).length })),
    notes: catalog.reduce((n, p) => n + p.noteCount, 0),
    dataDir: '/data',
  };
}
const detail = (p: PieceSummary): PieceDetail => ({
  ...p,
  timing: { tempos: [{ tick: 0, bpm: 72 }], timeSignatures: [], keySignatures: [] },
  pedal: true,
  warnings: [],
  tracks: [],
  encodings: [],
});
const notes: NoteArrays = {
  pitch: [60],
  start: [0],
  end: [1],
  velocity: [90],
  voice: [0],
  seconds: 4,
  bpm: 72,
  soloProgram: null,
};
const importJob = (o: Partial<JobInfo>): JobInfo => ({
  id: 'job-7',
  kind: 'import',
  title: 'Import Chopin',
  status: 'running',
  done: 0,
  total: 10,
  detail: '',
  startedAt: '2025-05-02T09:00:00Z',
  importId: 5,
  ...o,
});
const record = (o: Partial<ImportRecord>): ImportRecord => ({
  id: 5,
  startedAt: '2025-05-02T09:00:00Z',
  finishedAt: '2025-05-02T09:01:00Z',
  sources: ['/music/Chopin'],
  imported: 8,
  unchanged: 0,
  moved: 0,
  failed: 2,
  status: 'done',
  ...o,
});

beforeEach(() => {
  studio.refused.length = 0;
  for (const f of Object.values(fake)) f.mockReset();
  catalog = CATALOG.map((p) => ({ ...p }));
  fake.listPieces.mockImplementation(async (q: PieceQuery) => query(q));
  fake.catalogSummary.mockImplementation(async () => summaryOf());
  fake.listImports.mockResolvedValue([]);
  fake.getPiece.mockImplementation(async ({ id }: { id: number }) => detail(catalog.find((p) => p.id === id)!));
  fake.pieceNotes.mockResolvedValue(notes);
  fake.updatePiece.mockImplementation(async (u: { id: number; title?: string; composer?: string }) => {
    catalog = catalog.map((p) => (p.id === u.id ? { ...p, ...u } : p));
    return detail(catalog.find((p) => p.id === u.id)!);
  });
  // The piece details' roll draws on a canvas, which jsdom lacks: a context that draws nothing.
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(
    new Proxy({}, { get: () => () => {} }) as CanvasRenderingContext2D,
  );
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
  expect(studio.refused, 'payloads the contract refuses').toEqual([]);
});

const props = { jobs: [] as JobInfo[], version: 0 };
/** The titles in the table, top to bottom. */
function titles(): string[] {
  const rows = within(screen.getByRole('rowgroup', { name: 'Piece rows' })).queryAllByRole('row');
  return rows.map((r) => within(r).getAllByRole('cell')[0]!.textContent!);
}
/** The table row that shows a title. */
function rowOf(title: string): HTMLElement {
  const rows = within(screen.getByRole('rowgroup', { name: 'Piece rows' })).getAllByRole('row');
  return rows.find((r) => within(r).getAllByRole('cell')[0]!.textContent === title)!;
}
/** The queries the view sent, newest last. */
function queries(): PieceQuery[] {
  return fake.listPieces.mock.calls.map((c) => c[0] as PieceQuery);
}
async function shown(list: string[]): Promise<void> {
  await vi.waitFor(() => expect(titles()).toEqual(list));
}
async function renderLibrary(p: Partial<typeof props> = {}) {
  const user = userEvent.setup();
  const view = render(Library, { ...props, ...p });
  await screen.findByText('Nocturne op. 9 no. 2');
  return { user, ...view };
}

describe('Library: the table', () => {
  it('renders the pieces the studio returns, sorted by composer, with the catalog summary', async () => {
    await renderLibrary();
    expect(titles()).toEqual([
      'Moonlight Sonata',
      'Violin Sonata no. 5',
      'Ballade no. 1',
      'Nocturne op. 9 no. 2',
      'String Quartet op. 76',
      'Gymnopédie no. 1',
    ]);
    expect(queries()[0]).toEqual({ search: '', sort: 'composer', descending: false, limit: 60 });
    const violin = rowOf('Violin Sonata no. 5');
    expect(
      within(violin)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual([
      'Violin Sonata no. 5',
      'Beethoven',
      'solo+piano (Acoustic Grand Piano, Violin)',
      '10:00',
      '1003',
      'test',
    ]);
    expect(await screen.findByTestId('summary')).toHaveTextContent(
      '6 pieces · 4 composers · 4 train / 2 test · showing 6',
    );
    expect(screen.getByRole('columnheader', { name: /Composer/ })).toHaveAttribute('aria-sort', 'ascending');
  });

  it('paints the first screenful of a large library, then asks for the rest', async () => {
    catalog = Array.from({ length: 75 }, (_, i) =>
      piece(i + 1, `Etude ${String(i + 1).padStart(2, '0')}`, 'Czerny', 60),
    );
    let finish!: () => void;
    const rest = new Promise<void>((r) => (finish = r));
    fake.listPieces.mockImplementation(async (q: PieceQuery) => {
      if (q.limit === undefined) await rest;
      return query(q);
    });
    render(Library, props);
    expect(await screen.findByTestId('summary')).toHaveTextContent('75 pieces · 1 composers');
    await vi.waitFor(() => expect(screen.getByTestId('summary')).toHaveTextContent('showing 60…'));
    expect(queries()).toEqual([
      { search: '', sort: 'composer', descending: false, limit: 60 },
      { search: '', sort: 'composer', descending: false },
    ]);
    finish();
    await vi.waitFor(() => expect(screen.getByTestId('summary')).toHaveTextContent(/showing 75$/));
    expect(screen.getByRole('table', { name: 'Pieces' })).toHaveAttribute('aria-rowcount', '75');
  });

  it('searches as you type, and a slow answer to an older query never replaces a newer one', async () => {
    const { user } = await renderLibrary();
    let release!: () => void;
    const late = new Promise<void>((r) => (release = r));
    fake.listPieces.mockImplementation(async (q: PieceQuery) => {
      if (q.search === 's') await late; // the first keystroke's answer comes last
      return query(q);
    });
    await user.type(screen.getByRole('searchbox', { name: 'Search pieces' }), 'sonata');
    await shown(['Moonlight Sonata', 'Violin Sonata no. 5']);
    expect(queries().map((q) => q.search)).toEqual(['', 's', 'so', 'son', 'sona', 'sonat', 'sonata']);
    release();
    await late;
    await new Promise((r) => setTimeout(r, 0));
    expect(titles()).toEqual(['Moonlight Sonata', 'Violin Sonata no. 5']);
    expect(screen.getByTestId('summary')).toHaveTextContent('showing 2');

    await user.clear(screen.getByRole('searchbox', { name: 'Search pieces' }));
    await vi.waitFor(() => expect(titles()).toHaveLength(6));
  });

  it('filters by composer and by ensemble, the choices coming from the catalog summary', async () => {
    const { user } = await renderLibrary();
    const composerSelect = screen.getByRole('combobox', { name: 'Filter by composer' });
    await vi.waitFor(() =>
      expect(
        within(composerSelect)
          .getAllByRole('option')
          .map((o) => o.textContent),
      ).toEqual(['All composers', 'Beethoven (2)', 'Chopin (2)', 'Haydn (1)', 'Satie (1)']),
    );
    await user.selectOptions(composerSelect, 'Chopin');
    await shown(['Ballade no. 1', 'Nocturne op. 9 no. 2']);
    expect(queries().at(-1)).toMatchObject({ composer: 'Chopin' });

    await user.selectOptions(composerSelect, '');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Filter by ensemble' }), 'solo+piano');
    await shown(['Violin Sonata no. 5']);
    expect(queries().at(-1)).toEqual({
      search: '',
      ensemble: 'solo+piano',
      sort: 'composer',
      descending: false,
      limit: 60,
    });
  });

  it('sorts by a column header, ascending then descending on a second click', async () => {
    const { user } = await renderLibrary();
    const header = screen.getByRole('columnheader', { name: /Duration/ });
    await user.click(header);
    await shown([
      'Gymnopédie no. 1',
      'Nocturne op. 9 no. 2',
      'Ballade no. 1',
      'Violin Sonata no. 5',
      'Moonlight Sonata',
      'String Quartet op. 76',
    ]);
    expect(queries().at(-1)).toMatchObject({ sort: 'duration', descending: false });
    expect(header).toHaveAttribute('aria-sort', 'ascending');
    expect(header).toHaveTextContent('Duration ↑');
    expect(screen.getByRole('columnheader', { name: /Composer/ })).toHaveAttribute('aria-sort', 'none');

    await user.click(header);
    await shown([
      'String Quartet op. 76',
      'Moonlight Sonata',
      'Violin Sonata no. 5',
      'Ballade no. 1',
      'Nocturne op. 9 no. 2',
      'Gymnopédie no. 1',
    ]);
    expect(queries().at(-1)).toMatchObject({ sort: 'duration', descending: true });
    expect(header).toHaveAttribute('aria-sort', 'descending');

    // Another column starts ascending again.
    await user.click(screen.getByRole('columnheader', { name: /Title/ }));
    await shown([
      'Ballade no. 1',
      'Gymnopédie no. 1',
      'Moonlight Sonata',
      'Nocturne op. 9 no. 2',
      'String Quartet op. 76',
      'Violin Sonata no. 5',
    ]);
    expect(queries().at(-1)).toMatchObject({ sort: 'title', descending: false });
  });

  it('shows the studio’s error when the list cannot be read', async () => {
    fake.listPieces.mockRejectedValue(new Error('the catalog is locked by another process'));
    render(Library, props);
    expect(await screen.findByRole('alert')).toHaveTextContent('the catalog is locked by another process');
  });

  it('offers the demo corpus when the library is empty', async () => {
    catalog = [];
    fake.importDemo.mockResolvedValue(importJob({ title: 'Import demo corpus' }));
    const user = userEvent.setup();
    render(Library, props);
    expect(await screen.findByRole('heading', { name: 'Your library is empty' })).toBeInTheDocument();
    expect(screen.queryByRole('table')).toBeNull();
    const empty = screen.getByRole('heading', { name: 'Your library is empty' }).parentElement!;
    await user.click(within(empty).getByRole('button', { name: 'Import demo corpus' }));
    expect(fake.importDemo).toHaveBeenCalledExactlyOnceWith({});
  });
});

describe('Library: a piece’s details', () => {
  it('opens the selected piece, and the arrow keys move the selection', async () => {
    const { user } = await renderLibrary();
    await user.click(rowOf('Ballade no. 1'));
    const details = await screen.findByTestId('piece-details');
    expect(await within(details).findByRole('heading', { name: 'Ballade no. 1' })).toBeInTheDocument();
    expect(fake.getPiece).toHaveBeenLastCalledWith({ id: 2 });
    expect(fake.pieceNotes).toHaveBeenLastCalledWith({ id: 2 });
    expect(rowOf('Ballade no. 1')).toHaveClass('sel');

    await user.keyboard('{ArrowDown}');
    expect(await within(details).findByRole('heading', { name: 'Nocturne op. 9 no. 2' })).toBeInTheDocument();
    expect(fake.getPiece).toHaveBeenLastCalledWith({ id: 1 });
    await user.keyboard('{ArrowUp}{ArrowUp}');
    expect(await within(details).findByRole('heading', { name: 'Violin Sonata no. 5' })).toBeInTheDocument();

    await user.click(within(details).getByRole('button', { name: 'Close details' }));
    expect(screen.queryByTestId('piece-details')).toBeNull();
  });

  it('sends the edited title and composer, trimmed, and the table shows them', async () => {
    const { user } = await renderLibrary();
    await user.click(rowOf('Gymnopédie no. 1'));
    const details = await screen.findByTestId('piece-details');
    await user.click(await within(details).findByRole('button', { name: 'Edit' }));
    const title = within(details).getByLabelText('Title');
    const composer = within(details).getByLabelText('Composer');
    expect(title).toHaveValue('Gymnopédie no. 1');
    expect(composer).toHaveValue('Satie');
    await user.clear(title);
    await user.type(title, '  Gymnopédie no. 1 (Lent et douloureux) ');
    await user.clear(composer);
    await user.type(composer, 'Erik Satie ');
    await user.click(within(details).getByRole('button', { name: 'Save' }));

    expect(fake.updatePiece).toHaveBeenCalledExactlyOnceWith({
      id: 5,
      title: 'Gymnopédie no. 1 (Lent et douloureux)',
      composer: 'Erik Satie',
    });
    expect(
      await within(details).findByRole('heading', { name: 'Gymnopédie no. 1 (Lent et douloureux)' }),
    ).toBeInTheDocument();
    // The change reloads the list (and the summary, whose composers changed).
    await vi.waitFor(() => expect(titles()).toContain('Gymnopédie no. 1 (Lent et douloureux)'));
    expect(within(rowOf('Gymnopédie no. 1 (Lent et douloureux)')).getAllByRole('cell')[1]).toHaveTextContent(
      'Erik Satie',
    );
    await vi.waitFor(() => expect(screen.getByRole('option', { name: 'Erik Satie (1)' })).toBeInTheDocument());
  });
});

describe('Library: imports', () => {
  it('follows a running import job’s progress, and Cancel cancels that job', async () => {
    fake.cancelJob.mockResolvedValue(importJob({ status: 'cancelled' }));
    const { user, rerender } = await renderLibrary();
    expect(screen.queryByTestId('import-progress')).toBeNull();

    await rerender({ jobs: [importJob({ done: 3, detail: 'Chopin/op28-4.mid' })] });
    const progress = screen.getByTestId('import-progress');
    expect(progress).toHaveTextContent('Importing Import Chopin: 3/10');
    expect(progress).toHaveTextContent('Chopin/op28-4.mid');
    expect(within(progress).getByRole('progressbar')).toHaveAttribute('value', '3');
    expect(within(progress).getByRole('progressbar')).toHaveAttribute('max', '10');

    await rerender({ jobs: [importJob({ done: 7 })] });
    expect(screen.getByTestId('import-progress')).toHaveTextContent('Importing Import Chopin: 7/10');
    expect(within(screen.getByTestId('import-progress')).getByRole('progressbar')).toHaveAttribute('value', '7');

    // Other jobs (a training run) are not an import's progress.
    await rerender({
      jobs: [importJob({ done: 7 }), { ...importJob({}), id: 'job-8', kind: 'train', title: 'Train' }],
    });
    expect(screen.getAllByTestId('import-progress')).toHaveLength(1);

    await user.click(within(screen.getByTestId('import-progress')).getByRole('button', { name: 'Cancel' }));
    expect(fake.cancelJob).toHaveBeenCalledExactlyOnceWith({ id: 'job-7' });
  });

  it('before its total is known, shows the count so far', async () => {
    const { rerender } = await renderLibrary();
    await rerender({ jobs: [importJob({ done: 0, total: 0, detail: 'scanning /music' })] });
    expect(screen.getByTestId('import-progress')).toHaveTextContent('Importing Import Chopin: 0/?');
  });

  it('when an import ends with failures, reloads and reports each failed file and why', async () => {
    const failures: ImportFailure[] = [
      { path: 'Chopin/broken.mid', error: 'not a MIDI file (no MThd header)' },
      { path: 'Chopin/empty.mid', error: 'no notes' },
    ];
    fake.importFailures.mockResolvedValue(failures);
    const { user, rerender } = await renderLibrary({ jobs: [importJob({ done: 9 })] });
    const calls = fake.listPieces.mock.calls.length;

    // The studio says the job ended and the catalog changed: the app bumps the version.
    catalog = [...catalog, piece(7, 'Prelude op. 28 no. 4', 'Chopin', 120)];
    fake.listImports.mockResolvedValue([record({}), record({ id: 4, failed: 0, imported: 36 })]);
    await rerender({ jobs: [importJob({ done: 10, status: 'done', result: '8 imported, 2 failed' })], version: 1 });
    expect(screen.queryByTestId('import-progress')).toBeNull();
    await vi.waitFor(() => expect(titles()).toContain('Prelude op. 28 no. 4'));
    expect(fake.listPieces.mock.calls.length).toBeGreaterThan(calls);
    expect(fake.listImports).toHaveBeenLastCalledWith({ limit: 10 });
    expect(await screen.findByText(/Last import: 8 imported, 0 unchanged, 2 failed \(done\)/)).toBeInTheDocument();

    await user.click(screen.getByTestId('import-report'));
    expect(fake.importFailures).toHaveBeenCalledExactlyOnceWith({ importId: 5 });
    const dialog = await screen.findByRole('dialog', { name: 'Import report' });
    expect(within(dialog).getByRole('heading', { name: 'Import #5 — done' })).toBeInTheDocument();
    expect(dialog).toHaveTextContent('8 imported · 0 unchanged · 0 moved · 2 failed · started 2025-05-02 09:00:00');
    const items = within(within(dialog).getAllByRole('list')[0]!).getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual([
      'Chopin/broken.mid: not a MIDI file (no MThd header)',
      'Chopin/empty.mid: no notes',
    ]);
    expect(within(items[0]!).getByText('Chopin/broken.mid').tagName).toBe('CODE');

    // An earlier import from the same dialog: no failures.
    fake.importFailures.mockResolvedValue([]);
    await user.click(within(dialog).getByRole('button', { name: '#4' }));
    expect(fake.importFailures).toHaveBeenLastCalledWith({ importId: 4 });
    expect(await within(dialog).findByText('No file failed.')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('uploads picked MIDI files as one batch and imports it', async () => {
    fake.uploadFile.mockResolvedValue({ stored: 'x' });
    fake.importUploads.mockResolvedValue(importJob({}));
    const { user } = await renderLibrary();
    const a = new File([new Uint8Array([0x4d, 0x54, 0x68, 0x64])], 'a.mid', { type: 'audio/midi' });
    const b = new File([new Uint8Array([1, 2, 3])], 'b.kar');
    await user.upload(screen.getByTestId('file-input'), [a, b]);
    await vi.waitFor(() => expect(fake.importUploads).toHaveBeenCalledOnce());
    const uploads = fake.uploadFile.mock.calls.map((c) => c[0] as { batch: string; path: string; dataBase64: string });
    expect(uploads.map((u) => [u.path, u.dataBase64])).toEqual([
      ['a.mid', 'TVRoZA=='],
      ['b.kar', 'AQID'],
    ]);
    expect(new Set(uploads.map((u) => u.batch)).size).toBe(1);
    expect(fake.importUploads).toHaveBeenCalledWith({ batch: uploads[0]!.batch });
  });

  it('imports a dropped folder with its folder paths, skipping what is not MIDI', async () => {
    fake.uploadFile.mockResolvedValue({ stored: 'x' });
    fake.importUploads.mockResolvedValue(importJob({}));
    await renderLibrary();
    // A browser hands a dropped folder over as file-system entries (jsdom has none: plain objects).
    const file = (name: string): FileSystemFileEntry =>
      ({
        isFile: true,
        isDirectory: false,
        name,
        file: (ok: (f: File) => void) => ok(new File([new Uint8Array([7])], name)),
      }) as unknown as FileSystemFileEntry;
    const folder = (name: string, children: FileSystemEntry[]): FileSystemDirectoryEntry => {
      let read = false;
      return {
        isFile: false,
        isDirectory: true,
        name,
        createReader: () => ({
          readEntries: (ok: (e: FileSystemEntry[]) => void) => {
            ok(read ? [] : children);
            read = true;
          },
        }),
      } as unknown as FileSystemDirectoryEntry;
    };
    const dropped = folder('Chopin', [file('op28-4.mid'), file('cover.jpg'), folder('Etudes', [file('op10-1.MIDI')])]);
    await fireEvent.drop(screen.getByRole('region', { name: 'Library' }), {
      dataTransfer: { types: ['Files'], files: [], items: [{ webkitGetAsEntry: () => dropped }] },
    });
    await vi.waitFor(() => expect(fake.importUploads).toHaveBeenCalledOnce());
    expect(fake.uploadFile.mock.calls.map((c) => (c[0] as { path: string }).path)).toEqual([
      'Chopin/op28-4.mid',
      'Chopin/Etudes/op10-1.MIDI',
    ]);
  });

  it('says so when nothing dropped is a MIDI file, and uploads nothing', async () => {
    await renderLibrary();
    await fireEvent.drop(screen.getByRole('region', { name: 'Library' }), {
      dataTransfer: { types: ['Files'], items: [], files: [new File(['x'], 'notes.txt')] },
    });
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'No MIDI files (.mid, .midi, .kar or .smf) in what was dropped.',
    );
    expect(fake.uploadFile).not.toHaveBeenCalled();
  });
});

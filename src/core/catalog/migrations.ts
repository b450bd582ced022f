import type { Database as Db } from 'better-sqlite3';
import { DataPaths, migratePath } from './dataPaths';

/** A step is SQL, or code for what SQL cannot do (it needs the data folder the catalog lives in). */
export type Migration = string | ((db: Db, dataDir: string) => void);

/**
 * Schema migrations, in order; the catalog's `user_version` counts how many have run. Never edit a
 * shipped entry: add a new one.
 */
export const MIGRATIONS: readonly Migration[] = [
  /* 1: pieces, their tracks and notes, per-encoding facts, import history */ `
  CREATE TABLE pieces (
    id               INTEGER PRIMARY KEY,
    hash             TEXT NOT NULL UNIQUE,          -- sha256 of the file's bytes: re-import is idempotent
    path             TEXT NOT NULL,                 -- where it was last seen
    file_name        TEXT NOT NULL,
    composer         TEXT NOT NULL,
    composer_source  TEXT NOT NULL CHECK (composer_source IN ('user', 'flag', 'metadata', 'folder', 'unknown')),
    title            TEXT NOT NULL,
    ensemble         TEXT NOT NULL CHECK (ensemble IN ('piano', 'solo+piano', 'solo', 'chamber')),
    split            TEXT NOT NULL CHECK (split IN ('train', 'test')),
    ppq              INTEGER NOT NULL,
    note_count       INTEGER NOT NULL,
    duration_beats   REAL NOT NULL,
    duration_seconds REAL NOT NULL,
    pedal            INTEGER NOT NULL,              -- 1 if sustain-pedal extension was applied to piano notes
    warnings         TEXT NOT NULL DEFAULT '[]',    -- JSON array of strings
    imported_at      TEXT NOT NULL,
    updated_at       TEXT NOT NULL
  );
  CREATE INDEX pieces_composer ON pieces(composer);
  CREATE INDEX pieces_split ON pieces(split);

  CREATE TABLE tracks (
    piece_id    INTEGER NOT NULL REFERENCES pieces(id) ON DELETE CASCADE,
    idx         INTEGER NOT NULL,
    name        TEXT NOT NULL,
    channel     INTEGER NOT NULL,
    program     INTEGER NOT NULL,
    family      TEXT NOT NULL,
    instrument  TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('piano', 'solo', 'drums', 'empty')),
    role_reason TEXT,
    note_count  INTEGER NOT NULL,
    PRIMARY KEY (piece_id, idx)
  );

  -- Notes in ticks (pitch, start, end, velocity, voice 0=p 1=v, track) as little-endian int32 rows,
  -- so training and re-encoding with other options never need the original file again.
  CREATE TABLE piece_notes (
    piece_id INTEGER PRIMARY KEY REFERENCES pieces(id) ON DELETE CASCADE,
    data     BLOB NOT NULL
  );

  -- Transpositions are derived, not stored: per piece, encoding and range, which of the 12 shifts
  -- (bit s+6 for shift s in -6..+5) keep every note in range, and how long the encoding is.
  CREATE TABLE piece_encodings (
    piece_id    INTEGER NOT NULL REFERENCES pieces(id) ON DELETE CASCADE,
    encoding    TEXT NOT NULL CHECK (encoding IN ('notewise', 'chordwise')),
    sample_freq INTEGER NOT NULL,
    range_low   INTEGER NOT NULL,
    range_size  INTEGER NOT NULL,
    solo_low    INTEGER NOT NULL,
    shift_mask  INTEGER NOT NULL,
    token_count INTEGER NOT NULL,
    steps       INTEGER NOT NULL,
    PRIMARY KEY (piece_id, encoding, sample_freq, range_low, range_size, solo_low)
  );

  CREATE TABLE imports (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    sources     TEXT NOT NULL,                      -- JSON array of the paths asked for
    imported    INTEGER NOT NULL DEFAULT 0,
    unchanged   INTEGER NOT NULL DEFAULT 0,
    moved       INTEGER NOT NULL DEFAULT 0,
    failed      INTEGER NOT NULL DEFAULT 0,
    status      TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done', 'cancelled', 'interrupted'))
  );

  CREATE TABLE import_failures (
    import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    path      TEXT NOT NULL,
    error     TEXT NOT NULL
  );
  `,
  /* 2: training runs, their checkpoints and metrics */ `
  CREATE TABLE runs (
    id            TEXT PRIMARY KEY,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    encoding      TEXT NOT NULL CHECK (encoding IN ('notewise', 'chordwise')),
    preset        TEXT NOT NULL,
    config        TEXT NOT NULL,                   -- JSON: model, optimiser, encoding options, budget, data selection, vocabulary
    status        TEXT NOT NULL CHECK (status IN ('running', 'paused', 'stopped', 'finished', 'failed', 'interrupted')),
    end_reason    TEXT,
    backend       TEXT,
    step          INTEGER NOT NULL DEFAULT 0,
    epoch         INTEGER NOT NULL DEFAULT 0,
    best_val_loss REAL,
    elapsed_s     REAL NOT NULL DEFAULT 0,
    pid           INTEGER
  );

  CREATE TABLE checkpoints (
    id         INTEGER PRIMARY KEY,
    run_id     TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('best', 'latest')),
    step       INTEGER NOT NULL,
    epoch      INTEGER NOT NULL,
    val_loss   REAL,
    train_loss REAL,
    path       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (run_id, kind)
  );

  CREATE TABLE run_metrics (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step   INTEGER NOT NULL,
    kind   TEXT NOT NULL CHECK (kind IN ('train', 'eval')),
    data   TEXT NOT NULL,
    at     TEXT NOT NULL
  );
  CREATE INDEX run_metrics_run ON run_metrics(run_id, step);
  `,
  /* 3: generated samples */ `
  CREATE TABLE samples (
    id              INTEGER PRIMARY KEY,
    created_at      TEXT NOT NULL,
    run_id          TEXT,
    checkpoint_path TEXT NOT NULL,
    checkpoint_step INTEGER,
    encoding        TEXT NOT NULL CHECK (encoding IN ('notewise', 'chordwise')),
    prompt          TEXT NOT NULL,                 -- JSON: {kind: none|piece|file, pieceId?, path?, words}
    options         TEXT NOT NULL,                 -- JSON: sampling and length
    seed            INTEGER NOT NULL,
    batch_index     INTEGER NOT NULL,
    file            TEXT NOT NULL,
    duration_s      REAL NOT NULL,
    tokens          INTEGER NOT NULL,
    note_count      INTEGER NOT NULL,
    title           TEXT NOT NULL,
    starred         INTEGER NOT NULL DEFAULT 0,
    note            TEXT NOT NULL DEFAULT ''
  );
  CREATE INDEX samples_created ON samples(created_at);
  `,
  /* 4: critic and composer classifiers, and the scores they give samples */ `
  CREATE TABLE classifiers (
    id                INTEGER PRIMARY KEY,
    kind              TEXT NOT NULL CHECK (kind IN ('critic', 'composer')),
    created_at        TEXT NOT NULL,
    path              TEXT NOT NULL,
    checkpoint_path   TEXT NOT NULL,               -- the generator checkpoint its encoder came from
    classes           TEXT NOT NULL,               -- JSON array
    held_out_accuracy REAL NOT NULL,
    chance            REAL NOT NULL,
    metrics           TEXT NOT NULL                -- JSON: counts, confusion matrix, merged composers
  );
  ALTER TABLE samples ADD COLUMN critic_p REAL;          -- critic's p(human)
  ALTER TABLE samples ADD COLUMN critic_score REAL;      -- log p(human) - log p(generated)
  ALTER TABLE samples ADD COLUMN composer TEXT;          -- most likely composer
  ALTER TABLE samples ADD COLUMN composer_p REAL;
  ALTER TABLE samples ADD COLUMN composer_probs TEXT;    -- JSON {composer: p}
  ALTER TABLE samples ADD COLUMN novel INTEGER;          -- critic says human, no composer claims it
  ALTER TABLE samples ADD COLUMN scored_at TEXT;
  CREATE INDEX samples_critic ON samples(critic_score);
  `,
  /* 5: the catalog's own files by paths relative to the data folder (a copied folder keeps to itself) */
  (db, dataDir) => {
    const paths = new DataPaths(dataDir);
    const columns: Array<[string, string]> = [
      ['checkpoints', 'path'],
      ['samples', 'file'],
      ['samples', 'checkpoint_path'],
      ['classifiers', 'path'],
      ['classifiers', 'checkpoint_path'],
    ];
    for (const [table, column] of columns) {
      const rows = db.prepare(`SELECT rowid AS id, ${column} AS p FROM ${table}`).all() as Array<{
        id: number;
        p: string;
      }>;
      const set = db.prepare(`UPDATE ${table} SET ${column} = ? WHERE rowid = ?`);
      for (const r of rows) {
        const next = migratePath(paths, r.p);
        if (next !== r.p) set.run(next, r.id);
      }
    }
  },
  /* 6: a running import's owner and heartbeat, so only a dead one reads as interrupted */ `
  ALTER TABLE imports ADD COLUMN pid INTEGER;
  ALTER TABLE imports ADD COLUMN heartbeat_at TEXT;
  `,
  /* 7: run states as the state machine has them (shared/runStatus.ts): why a run ended as a code beside
     the sentence, and what the studio asks of the process training a run; training metrics in the
     step event's shape (older rows stored the cross-entropy as `loss` and had no `ce`) */
  (db) => {
    // Columns are added only if missing, so a catalog that re-runs this step (user_version lowered by hand) still opens.
    const has = new Set((db.prepare(`PRAGMA table_info(runs)`).all() as Array<{ name: string }>).map((c) => c.name));
    if (!has.has('end_code')) db.exec(`ALTER TABLE runs ADD COLUMN end_code TEXT`);
    if (!has.has('requested'))
      db.exec(`ALTER TABLE runs ADD COLUMN requested TEXT CHECK (requested IN ('pause', 'stop', 'close'))`);
    db.exec(`
      UPDATE runs SET end_code = CASE
          WHEN status = 'paused' AND end_reason = 'paused when the studio closed; resumes when it opens' THEN 'studio-closed'
          WHEN status = 'paused' THEN 'user-pause'
          WHEN status = 'stopped' THEN 'user-stop'
          WHEN status = 'finished' AND end_reason LIKE 'early stopping%' THEN 'early-stop'
          WHEN status = 'finished' THEN 'budget'
          WHEN status = 'failed' THEN 'error'
          WHEN status = 'interrupted' THEN 'process-died'
        END
      WHERE end_code IS NULL AND status <> 'running';
      UPDATE run_metrics SET data = json_set(data, '$.ce', json_extract(data, '$.loss'))
      WHERE kind = 'train' AND json_type(data, '$.ce') IS NULL;
    `);
  },
  /* 8: each piece's tempo map, time and key signatures (JSON PieceTiming; null until read again);
     which sample a sample continues */ `
  ALTER TABLE pieces ADD COLUMN timing TEXT;
  ALTER TABLE samples ADD COLUMN parent_id INTEGER REFERENCES samples(id) ON DELETE SET NULL;
  `,
  /* 9: the instrument a sample's solo part is written for (shared/instruments.ts id; null: no solo part) */ `
  ALTER TABLE samples ADD COLUMN solo TEXT;
  `,
];

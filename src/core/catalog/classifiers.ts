import type { DataPaths } from './dataPaths';
import type { Db } from './db';

export type ClassifierKind = 'critic' | 'composer';

export interface ClassifierRow {
  id: number;
  kind: ClassifierKind;
  createdAt: string;
  path: string;
  checkpointPath: string;
  classes: string[];
  heldOutAccuracy: number;
  chance: number;
}

/** A trained classifier to record: where it is saved, the checkpoint its encoder came from, how it did. */
export interface NewClassifier extends Omit<ClassifierRow, 'id'> {
  /** Everything measured (counts, confusion matrix, merged composers), kept whole. */
  metrics: unknown;
}

interface ClassifierDbRow {
  id: number;
  kind: ClassifierKind;
  created_at: string;
  path: string;
  checkpoint_path: string;
  classes: string;
  held_out_accuracy: number;
  chance: number;
}

function toClassifierRow(r: ClassifierDbRow, paths: DataPaths): ClassifierRow {
  return {
    id: r.id,
    kind: r.kind,
    createdAt: r.created_at,
    path: paths.resolve(r.path),
    checkpointPath: paths.resolve(r.checkpoint_path),
    classes: JSON.parse(r.classes) as string[],
    heldOutAccuracy: r.held_out_accuracy,
    chance: r.chance,
  };
}

/** The critic and composer classifiers trained so far. */
export class Classifiers {
  constructor(
    private readonly db: Db,
    private readonly paths: DataPaths,
  ) {}

  /** Records a classifier saved on disk; returns its id. */
  add(c: NewClassifier): number {
    return Number(
      this.db
        .prepare(
          `INSERT INTO classifiers (kind, created_at, path, checkpoint_path, classes, held_out_accuracy, chance, metrics) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          c.kind,
          c.createdAt,
          this.paths.toStored(c.path),
          this.paths.toStored(c.checkpointPath),
          JSON.stringify(c.classes),
          c.heldOutAccuracy,
          c.chance,
          JSON.stringify(c.metrics),
        ).lastInsertRowid,
    );
  }

  /** Classifiers, newest first; of one kind when given. */
  list(kind?: ClassifierKind): ClassifierRow[] {
    const rows = (
      kind
        ? this.db.prepare(`SELECT * FROM classifiers WHERE kind = ? ORDER BY id DESC`).all(kind)
        : this.db.prepare(`SELECT * FROM classifiers ORDER BY id DESC`).all()
    ) as ClassifierDbRow[];
    return rows.map((r) => toClassifierRow(r, this.paths));
  }
}

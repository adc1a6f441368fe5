import type { ImportOptions } from '@relocate/codec';
import type { Client } from '@relocate/database';
import type { Finding, PrimaryKeyMap } from '@relocate/domain';

export type Decision =
  | { kind: 'INSERTED' }
  /** An existing row is reused and the incoming values are dropped. */
  | { kind: 'EXISTING'; newPk: number }
  /** Another row of the same batch holds the same unique value: this one maps to it. */
  | { kind: 'EXISTING'; sameAs: Row }
  /** The existing pk is kept and the incoming values are written over it. */
  | { kind: 'OVERWRITE'; newPk: number };

/** One export record on its way into a table. `values` are column values after the foreign keys were remapped. */
export interface Row {
  oldPk: number;
  /** The export's fields as read, before any remapping. */
  source: Record<string, unknown>;
  values: Record<string, unknown>;
  decision: Decision;
  slug: string | null;
  /** Status to restore when a hidden organization's relocation completes. */
  hiddenStatus?: number;
}

/** The Sentry installation the relocation goes into, where a rule needs it (Sentry's system.url-prefix). */
export interface SiteSettings { urlPrefix: string }

export interface RuleContext {
  client: Client;
  site: SiteSettings;
  relocationId: string;
  options: ImportOptions;
  pkMap: PrimaryKeyMap;
  table: string;
  warn(f: Omit<Finding, 'relocationId' | 'stage' | 'severity'>): void;
}

/**
 * A model's import behaviour where it differs from a plain insert, as in Sentry's normalize_before_relocation_import
 * and write_relocation_import. Each rule is named after the Sentry behaviour it reproduces. Collisions are
 * resolved for a whole batch at once: one lookup per unique column, and rows of the batch see each other.
 */
export interface ModelRule {
  /** Foreign keys that become null, instead of dropping the row, when their target was not imported. */
  nullWhenUnmapped?: ReadonlySet<string>;
  /** Adjust a row before writing; return false to drop it (the rule reports why). */
  normalize?(row: Row, ctx: RuleContext): Promise<boolean> | boolean;
  /** Look for colliding rows, in the table and earlier in the batch, and decide what to do about them. */
  resolveCollisions?(rows: Row[], ctx: RuleContext): Promise<void>;
  /** Rows about to be inserted, with their new ids in values.id. */
  beforeInsert?(rows: Row[], ctx: RuleContext): Promise<void> | void;
  afterInsert?(rows: Row[], ctx: RuleContext): Promise<void>;
}

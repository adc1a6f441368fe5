import type { ImportKind } from '@relocate/codec';
import { type Client, joinSql, reportedRecords, sql } from '@relocate/database';

export interface MappedEntry { model: string; old_pk: number; new_pk: number; kind: ImportKind; slug: string | null }

/**
 * Where a batch finds what earlier batches of its relocation decided: the PrimaryKeyMap entries its foreign keys
 * point at, and whether a record was dropped with a finding. The import reads what it committed; `relocate plan`,
 * which commits nothing, answers from memory.
 */
export interface PrimaryKeyMapSource {
  lookup(client: Client, relocationId: string, wanted: ReadonlyMap<string, ReadonlySet<number>>): Promise<MappedEntry[]>;
  /** Which of these records (model, pk) were dropped with a finding, as `model:pk` keys: one lookup per batch. */
  droppedEarlier(client: Client, relocationId: string, records: ReadonlyArray<readonly [model: string, pk: number]>): Promise<Set<string>>;
}

/** The relocation's committed PrimaryKeyMap and findings. */
export const storedPrimaryKeyMap: PrimaryKeyMapSource = {
  async lookup(client, relocationId, wanted) {
    // One branch per model, so each is an index scan of the pk_map key (a join against unnest is planned as a scan
    // of the relocation's whole map, which grows with the export).
    const params: unknown[] = [relocationId];
    const branches = [...wanted].map(([model, pks]) =>
      sql`SELECT model, old_pk, new_pk, kind, slug FROM relocate.pk_map WHERE relocation_id = $1 AND model = $${params.push(model)} AND old_pk = ANY($${params.push([...pks])}::bigint[])`);
    const { rows } = await client.query<MappedEntry>(sql`${joinSql(branches, sql` UNION ALL `)}`.text, params);
    return rows;
  },
  droppedEarlier: reportedRecords,
};

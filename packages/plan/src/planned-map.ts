import type { ImportKind, PrimaryKeyMapEntry } from '@relocate/codec';
import type { MappedEntry, PrimaryKeyMapSource } from '@relocate/model-writer';

/**
 * The plan's PrimaryKeyMap and the records it dropped with a finding. No batch of a plan commits, so what earlier
 * batches decided lives here, and the writer reads it through the same interface it reads the committed map with.
 * Most entries are plain inserts: those keep only their new pk (about 30 bytes an entry, against some 80 for an
 * entry object); the few others (reused, overwritten, or carrying a slug) keep their kind and slug beside it.
 */
export class PlannedMap implements PrimaryKeyMapSource {
  private readonly newPks = new Map<string, Map<number, number>>();
  private readonly notPlainInserts = new Map<string, { kind: ImportKind; slug: string | null }>();
  private readonly dropped = new Set<string>();

  async lookup(_client: unknown, _relocationId: string, wanted: ReadonlyMap<string, ReadonlySet<number>>): Promise<MappedEntry[]> {
    const found: MappedEntry[] = [];
    for (const [model, pks] of wanted) {
      const mapped = this.newPks.get(model);
      if (!mapped) continue;
      for (const pk of pks) {
        const newPk = mapped.get(pk);
        if (newPk === undefined) continue;
        const other = this.notPlainInserts.get(keyOf(model, pk));
        found.push({ model, old_pk: pk, new_pk: newPk, kind: other?.kind ?? 'INSERTED', slug: other?.slug ?? null });
      }
    }
    return found;
  }

  async droppedEarlier(_client: unknown, _relocationId: string, records: ReadonlyArray<readonly [model: string, pk: number]>): Promise<Set<string>> {
    return new Set(records.filter(([model, pk]) => this.dropped.has(keyOf(model, pk))).map(([model, pk]) => `${model}:${pk}`));
  }

  record(model: string, entries: readonly PrimaryKeyMapEntry[]): void {
    const mapped = this.newPks.get(model) ?? this.newPks.set(model, new Map()).get(model) as Map<number, number>;
    for (const e of entries) {
      mapped.set(e.oldPk, e.newPk);
      if (e.kind !== 'INSERTED' || e.slug !== null) this.notPlainInserts.set(keyOf(model, e.oldPk), { kind: e.kind, slug: e.slug });
    }
  }

  /** A record some finding names: its dependants are dropped with it, as the import does. */
  drop(model: string, pk: number): void {
    this.dropped.add(keyOf(model, pk));
  }

  /** The final slug, as the reservation stage writes it into the committed map. */
  setSlug(model: string, oldPk: number, slug: string): void {
    if (this.newPks.get(model)?.has(oldPk) !== true) return;
    const key = keyOf(model, oldPk);
    this.notPlainInserts.set(key, { kind: this.notPlainInserts.get(key)?.kind ?? 'INSERTED', slug });
  }

  entries(model: string): PrimaryKeyMapEntry[] {
    return [...(this.newPks.get(model) ?? new Map<number, number>())].map(([oldPk, newPk]) => {
      const other = this.notPlainInserts.get(keyOf(model, oldPk));
      return { oldPk, newPk, kind: other?.kind ?? 'INSERTED', slug: other?.slug ?? null };
    });
  }
}

const keyOf = (model: string, pk: number): string => `${model}\u0000${pk}`;

import type { PrimaryKeyMapEntry } from '@relocate/codec';
import { PrimaryKeyMap } from '@relocate/domain';
import type { MappedEntry, PrimaryKeyMapSource } from '@relocate/model-writer';

/**
 * The plan's PrimaryKeyMap and the records it dropped with a finding. No batch of a plan commits, so what earlier
 * batches decided lives here, and the writer reads it through the same interface it reads the committed map with.
 */
export class PlannedMap implements PrimaryKeyMapSource {
  private readonly map = new PrimaryKeyMap();
  private readonly dropped = new Set<string>();

  async lookup(_client: unknown, _relocationId: string, wanted: ReadonlyMap<string, ReadonlySet<number>>): Promise<MappedEntry[]> {
    const found: MappedEntry[] = [];
    for (const [model, pks] of wanted) {
      for (const pk of pks) {
        const m = this.map.get(model, pk);
        if (m) found.push({ model, old_pk: pk, new_pk: m.newPk, kind: m.kind, slug: m.slug });
      }
    }
    return found;
  }

  async droppedEarlier(_client: unknown, _relocationId: string, model: string, pk: number): Promise<boolean> {
    return this.dropped.has(keyOf(model, pk));
  }

  record(model: string, entries: readonly PrimaryKeyMapEntry[]): void {
    for (const e of entries) this.map.insert(model, e.oldPk, e.newPk, e.kind, e.slug);
  }

  /** A record some finding names: its dependants are dropped with it, as the import does. */
  drop(model: string, pk: number): void {
    this.dropped.add(keyOf(model, pk));
  }

  /** The final slug, as the reservation stage writes it into the committed map. */
  setSlug(model: string, oldPk: number, slug: string): void {
    const m = this.map.get(model, oldPk);
    if (m) this.map.insert(model, oldPk, m.newPk, m.kind, slug);
  }

  entries(model: string): PrimaryKeyMapEntry[] {
    return this.map.entries(model);
  }
}

const keyOf = (model: string, pk: number): string => `${model}\u0000${pk}`;

import type { ImportKind, PrimaryKeyMapEntry } from '@relocate/codec';

export interface MappedPk { newPk: number; kind: ImportKind; slug: string | null }

/** Sentry's PrimaryKeyMap: model -> old pk -> (new pk, ImportKind, slug). */
export class PrimaryKeyMap {
  private readonly mapping = new Map<string, Map<number, MappedPk>>();

  insert(model: string, oldPk: number, newPk: number, kind: ImportKind, slug: string | null = null): void {
    let m = this.mapping.get(model);
    if (!m) this.mapping.set(model, (m = new Map()));
    m.set(oldPk, { newPk, kind, slug });
  }

  get(model: string, oldPk: number): MappedPk | undefined {
    return this.mapping.get(model)?.get(oldPk);
  }

  getPk(model: string, oldPk: number): number | undefined {
    return this.get(model, oldPk)?.newPk;
  }

  getKind(model: string, oldPk: number): ImportKind | undefined {
    return this.get(model, oldPk)?.kind;
  }

  getSlug(model: string, oldPk: number): string | null | undefined {
    return this.get(model, oldPk)?.slug;
  }

  /** Other's entries win, as in Sentry. */
  extend(other: PrimaryKeyMap): void {
    for (const [model, entries] of other.mapping) for (const [old, v] of entries) this.insert(model, old, v.newPk, v.kind, v.slug);
  }

  entries(model: string): PrimaryKeyMapEntry[] {
    return [...(this.mapping.get(model) ?? new Map<number, MappedPk>())].map(([oldPk, v]) => ({ oldPk, ...v }));
  }

  size(model: string): number {
    return this.mapping.get(model)?.size ?? 0;
  }
}

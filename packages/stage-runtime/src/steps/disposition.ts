import type { Disposition } from '../control.ts';

type ReadDispositions = (relocationIds: string[]) => Promise<Map<string, Disposition>>;

/**
 * Disposition: what the relocation record says to do with each record of a fetched batch (process, pause, skip,
 * park). Read once for the batch's relocations; a relocation this stage parks or fails within the batch is
 * forgotten and read again at its next record.
 */
export class BatchDispositions {
  private readonly known: Map<string, Disposition>;
  private readonly read: ReadDispositions;

  private constructor(known: Map<string, Disposition>, read: ReadDispositions) {
    this.known = known;
    this.read = read;
  }

  static async of(keys: string[], read: ReadDispositions): Promise<BatchDispositions> {
    const ids = [...new Set(keys.filter(Boolean))];
    return new BatchDispositions(ids.length === 0 ? new Map() : await read(ids), read);
  }

  /** A record without a relocation key is processed. */
  async for(key: string): Promise<Disposition> {
    if (!key) return 'process';
    const known = this.known.get(key);
    if (known) return known;
    const d = (await this.read([key])).get(key) ?? 'process';
    this.known.set(key, d);
    return d;
  }

  forget(key: string): void {
    this.known.delete(key);
  }
}

interface Held { topic: string; partition: number; relocationId: string; offset: string; resume: () => void }

/**
 * Partitions held because their next record belongs to a paused relocation. Polled: once the relocation is no
 * longer paused, the partition is read again from that record.
 */
export class PausedPartitions {
  private readonly held = new Map<string, Held>();

  get size(): number {
    return this.held.size;
  }

  hold(h: Held): void {
    this.held.set(`${h.topic}:${h.partition}`, h);
  }

  /** A rebalance: kafkajs forgets what it paused, and so do we. */
  releaseAll(): void {
    for (const h of this.held.values()) h.resume();
    this.held.clear();
  }

  /** Lets go of the partitions whose relocation is no longer paused; seek puts the partition back at its record. */
  async poll(read: (relocationId: string) => Promise<Disposition>, seek: (h: Held) => void, onResumed: (h: Held) => void): Promise<void> {
    await Promise.all([...this.held].map(async ([id, h]) => {
      if ((await read(h.relocationId)) === 'pause' || this.held.get(id) !== h) return;
      seek(h);
      h.resume();
      this.held.delete(id);
      onResumed(h);
    }));
  }
}

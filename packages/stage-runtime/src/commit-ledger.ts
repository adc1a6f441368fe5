/**
 * What a stage instance committed on each partition, and when. Each commit carries, in its offset metadata, the
 * time of the commit and the time the offset last moved, so anyone reading the group's offsets (`relocate lag`)
 * can tell a consumer that stopped committing from one that commits but does not move (Burrow's STOP and STALL).
 * Idle partitions are committed again every interval, so silence means the consumer is gone.
 */
export interface CommitMetadata { committedAt: number; advancedAt: number }

export function encodeCommitMetadata(m: CommitMetadata): string {
  return JSON.stringify({ t: m.committedAt, a: m.advancedAt });
}

/** Metadata of a commit made by this runtime; undefined for any other (the broker tool, an admin reset). */
export function decodeCommitMetadata(text: string | null | undefined): CommitMetadata | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as { t?: unknown; a?: unknown };
    return typeof v.t === 'number' && typeof v.a === 'number' ? { committedAt: v.t, advancedAt: v.a } : undefined;
  } catch {
    return undefined;
  }
}

export interface PartitionCommit { topic: string; partition: number; offset: string; metadata: string }

interface Entry { topic: string; partition: number; offset: string; advancedAt: number; committedAt: number; chain: Promise<void> }

export class CommitLedger {
  private readonly entries = new Map<string, Entry>();
  private readonly send: (commit: PartitionCommit) => Promise<void>;
  private readonly now: () => number;

  constructor(send: (commit: PartitionCommit) => Promise<void>, now: () => number = Date.now) {
    this.send = send;
    this.now = now;
  }

  /** Commits an offset. Commits of one partition run one after another, so a refresh never moves it back. */
  commit(topic: string, partition: number, offset: string): Promise<void> {
    const key = `${topic}\u0000${partition}`;
    let e = this.entries.get(key);
    if (!e) this.entries.set(key, (e = { topic, partition, offset, advancedAt: this.now(), committedAt: 0, chain: Promise.resolve() }));
    const entry = e;
    if (entry.offset !== offset) {
      entry.offset = offset;
      entry.advancedAt = this.now();
    }
    return this.enqueue(entry);
  }

  /** Commits again every partition not committed for intervalMs, as a sign of life. Failures are reported, not thrown. */
  async refresh(intervalMs: number, onError: (err: unknown) => void): Promise<void> {
    const due = [...this.entries.values()].filter((e) => this.now() - e.committedAt >= intervalMs);
    await Promise.all(due.map((e) => this.enqueue(e).catch(onError)));
  }

  /** After a rebalance the partitions may belong to another instance, which commits them from then on. */
  clear(): void {
    this.entries.clear();
  }

  private enqueue(entry: Entry): Promise<void> {
    const run = entry.chain.then(async () => {
      const committedAt = this.now();
      await this.send({
        topic: entry.topic,
        partition: entry.partition,
        offset: entry.offset,
        metadata: encodeCommitMetadata({ committedAt, advancedAt: entry.advancedAt }),
      });
      entry.committedAt = committedAt;
    });
    entry.chain = run.catch(() => undefined);
    return run;
  }
}

import type { RelocationEvent } from '@relocate/codec';

interface Tally { recordsIn: number; recordsOut: number; firstPartition: number | null; firstOffset: number | null }

/**
 * What a stage did for each relocation since its last report: counts in and out, whether the stage finished or failed it.
 * Reported as events on the relocations topic before the batch's offsets are committed, so a crash reports again
 * rather than never (counts are of deliveries).
 */
export class BatchProgress {
  private readonly stage: string;
  private readonly tallies = new Map<string, Tally>();
  private readonly closing: RelocationEvent[] = [];

  constructor(stage: string) {
    this.stage = stage;
  }

  private tally(relocationId: string): Tally {
    let t = this.tallies.get(relocationId);
    if (!t) this.tallies.set(relocationId, (t = { recordsIn: 0, recordsOut: 0, firstPartition: null, firstOffset: null }));
    return t;
  }

  /** A record of the relocation was taken in from this partition and offset. */
  record(relocationId: string, partition: number, offset: string): void {
    const t = this.tally(relocationId);
    t.recordsIn++;
    if (t.firstOffset === null) {
      t.firstPartition = partition;
      t.firstOffset = Number(offset);
    }
  }

  /** The stage produced records for the relocation (a handler may stream them while later records arrive). */
  produced(relocationId: string, records: number): void {
    this.tally(relocationId).recordsOut += records;
  }

  done(relocationId: string): void {
    this.closing.push({ relocationId, type: 'STAGE_DONE', at: Date.now(), summary: '', stage: this.stage });
  }

  failed(relocationId: string, reason: string): void {
    this.closing.push({ relocationId, type: 'STAGE_FAILED', at: Date.now(), summary: '', stage: this.stage, reason });
  }

  /** The events to publish, counts first so a stage's DONE follows its last count; starts the next report. */
  drain(): RelocationEvent[] {
    const at = Date.now();
    const events: RelocationEvent[] = [...this.tallies].map(([relocationId, t]) => ({
      relocationId, type: 'STAGE_PROGRESS', at, summary: '', stage: this.stage, ...t,
    }));
    events.push(...this.closing.splice(0));
    this.tallies.clear();
    return events;
  }
}

/** Whether a pipeline value is a relocation's end marker: a stage that passes it on has finished the relocation. */
export function isEndMarker(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || !('payload' in value)) return false;
  const payload = (value as { payload: unknown }).payload;
  return typeof payload === 'object' && payload !== null && 'relocate.RelocationEnd' in payload;
}

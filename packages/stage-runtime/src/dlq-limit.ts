/**
 * How many records a stage may send to its DLQ before it stops instead, as arroyo's DlqLimit: a bad deploy or a
 * broken dependency should halt the stage for a fix, not route every record to the DLQ. Counted per partition.
 */
export interface DlqLimit {
  /** Invalid records per valid one above which the stage stops; null for no ratio limit. */
  maxInvalidRatio: number | null;
  /** Invalid records in a row above which the stage stops; null for no limit. */
  maxConsecutiveCount: number | null;
}

// A fresh consumer whose first record is bad has a ratio of infinity; the ratio says something only after a few.
const ratioMinimumRecords = 10;

export class DlqLimitExceededError extends Error {
  override name = 'DlqLimitExceededError';
}

interface PartitionCounts { valid: number; invalid: number; consecutiveInvalid: number }

export class DlqLimitState {
  private readonly limit: DlqLimit;
  private readonly counts = new Map<string, PartitionCounts>();

  constructor(limit: DlqLimit) {
    this.limit = limit;
  }

  private of(topic: string, partition: number): PartitionCounts {
    const key = `${topic}[${partition}]`;
    let c = this.counts.get(key);
    if (!c) this.counts.set(key, (c = { valid: 0, invalid: 0, consecutiveInvalid: 0 }));
    return c;
  }

  valid(topic: string, partition: number): void {
    const c = this.of(topic, partition);
    c.valid++;
    c.consecutiveInvalid = 0;
  }

  /** Counts one more invalid record; throws, naming the limit, when sending it to the DLQ would exceed it. */
  invalid(topic: string, partition: number): void {
    const c = this.of(topic, partition);
    const invalid = c.invalid + 1;
    const consecutive = c.consecutiveInvalid + 1;
    const { maxInvalidRatio, maxConsecutiveCount } = this.limit;
    if (maxConsecutiveCount !== null && consecutive > maxConsecutiveCount) {
      throw new DlqLimitExceededError(`${consecutive} invalid records in a row on ${topic}[${partition}] exceed the DLQ limit of ${maxConsecutiveCount}`);
    }
    if (maxInvalidRatio !== null && invalid + c.valid >= ratioMinimumRecords && invalid > maxInvalidRatio * c.valid) {
      throw new DlqLimitExceededError(`${invalid} invalid to ${c.valid} valid records on ${topic}[${partition}] exceed the DLQ ratio limit of ${maxInvalidRatio}`);
    }
    c.invalid = invalid;
    c.consecutiveInvalid = consecutive;
  }

  /** Partitions may move to another instance; their counts start over there, as arroyo's do. */
  reset(): void {
    this.counts.clear();
  }
}

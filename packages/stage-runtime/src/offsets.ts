/**
 * Which offset of a partition is safe to commit. A handler may hold a key's records (the reader holds a
 * relocation's chunks until the whole export is read); nothing at or after the oldest held offset is committed,
 * so a restart re-reads every held record.
 */
export class PartitionOffsets {
  private readonly heldFrom = new Map<string, bigint>();
  private processedUpTo: bigint | undefined;

  processed(offset: string): void {
    this.processedUpTo = BigInt(offset) + 1n;
  }

  hold(key: string, offset: string): void {
    if (!this.heldFrom.has(key)) this.heldFrom.set(key, BigInt(offset));
  }

  release(key: string): void {
    this.heldFrom.delete(key);
  }

  isHeld(key: string): boolean {
    return this.heldFrom.has(key);
  }

  /**
   * Forget every hold and go back to the oldest held record (or the given offset when nothing is held): the
   * partition is read again from there. Returns that offset.
   */
  rewind(offset: string): string {
    let from = BigInt(offset);
    for (const held of this.heldFrom.values()) if (held < from) from = held;
    this.heldFrom.clear();
    this.processedUpTo = from;
    return from.toString();
  }

  /** The next offset to commit, or undefined when nothing new is safe. */
  committable(): string | undefined {
    if (this.processedUpTo === undefined) return undefined;
    let limit = this.processedUpTo;
    for (const from of this.heldFrom.values()) if (from < limit) limit = from;
    return limit.toString();
  }
}

import type { RelocationEvent } from '@relocate/codec';
import type { PartitionOffsets } from '../offsets.ts';
import type { BatchProgress } from '../progress.ts';

/**
 * Commit: at the end of a batch, first the progress of its relocations on the relocations topic (so a crash
 * reports again rather than never), then the partition's offset up to what is safe (nothing at or past a held
 * record).
 */
export function commitStep(
  report: (events: RelocationEvent[]) => Promise<void>,
  commit: (topic: string, partition: number, offset: string) => Promise<void>,
) {
  return async (topic: string, partition: number, offsets: PartitionOffsets, progress: BatchProgress): Promise<void> => {
    await report(progress.drain());
    const offset = offsets.committable();
    if (offset !== undefined) await commit(topic, partition, offset);
  };
}

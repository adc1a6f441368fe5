import type { IHeaders } from 'kafkajs';
import type { Logger } from '@relocate/logging';
import { isEndMarker } from '../progress.ts';
import { type RetryPolicy, withRetry } from '../retry.ts';
import type { OnRetry } from './decode.ts';
import type { Output } from './produce.ts';

export interface StageMessage<T> { key: string; value: T; topic: string; partition: number; offset: string; headers: IHeaders }

export interface StageContext {
  /** Produce now and wait for the broker's acknowledgement (for handlers that stream their output). */
  produce(outputs: Output[]): Promise<void>;
  /** Keep this message's offset, and every later one of its key, uncommitted until release(). */
  hold(): void;
  release(): void;
  log: Logger;
}

/**
 * A stateful handler lost its memory of a partition (an error in the middle of a held run of records): the
 * runtime drops the partition's holds, goes back to the oldest held record after a pause, and reads on from there.
 */
export class ReadAgainError extends Error {
  override name = 'ReadAgainError';
  /** Never retried on its own record: the runtime goes back to where the handler's memory began. */
  readonly retriable = false;
  readonly delayMs: number;
  constructor(cause: unknown, delayMs: number) {
    super(`read again from the oldest held record: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.delayMs = delayMs;
  }
}

/**
 * Process with retry, then produce: the stage's domain step on one record, tried again with backoff on a retriable
 * failure, its outputs produced (also retried). Resolves to whether the record ended its relocation here.
 */
export function processStep<T>(
  handle: (message: StageMessage<T>, ctx: StageContext) => Promise<Output[]>,
  produce: (outputs: Output[]) => Promise<void>,
  policy: RetryPolicy,
  onRetry: OnRetry,
) {
  return async (input: StageMessage<T>, ctx: StageContext): Promise<{ produced: number; ended: boolean }> => {
    const outputs = await withRetry(() => handle(input, ctx), policy, onRetry);
    await withRetry(() => produce(outputs), policy, onRetry);
    return { produced: outputs.length, ended: isEndMarker(input.value) || outputs.some((o) => isEndMarker(o.value)) };
  };
}

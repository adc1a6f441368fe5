import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { StageName } from '@relocate/codec';
import { BadInputError, describeFinding, type Finding } from '@relocate/domain';
import type { Logger } from '@relocate/logging';
import { countsTowardDlqLimit, deadLetterFinding, deadLetterHeaders, parkedHeaders } from '../dead-letter.ts';
import type { DlqLimitState } from '../dlq-limit.ts';
import { withRetry } from '../retry.ts';

export interface DeadLetterDeps {
  stage: StageName;
  /** Sends the record to the stage's DLQ topic with these headers; acknowledged when it resolves. */
  send(message: KafkaMessage, headers: IHeaders): Promise<void>;
  /** Records the finding; a keyed record also fails (and, unless bad input, parks) its relocation. */
  recordFailure(finding: Finding, relocationId: string | undefined, park: boolean): Promise<void>;
  dlqLimit: DlqLimitState;
  retryBaseMs: number;
  log: Logger;
}

/**
 * Dead-letter: a record that kept failing goes to the DLQ with headers naming the error and its origin, and leaves a
 * finding on its relocation; a record of a relocation parked here goes there behind it. Sending and recording are
 * retried until they succeed: a record is never lost between the input topic and the DLQ.
 */
export class DeadLetterStep {
  private readonly d: DeadLetterDeps;

  constructor(deps: DeadLetterDeps) {
    this.d = deps;
  }

  /**
   * Returns the reason given to the relocation. Throws DlqLimitExceededError before anything is sent when the limit
   * is reached: the record stays uncommitted for after the fix.
   */
  async failed(topic: string, partition: number, message: KafkaMessage, key: string, err: unknown): Promise<string> {
    const ctx = { stage: this.d.stage, topic, partition, message };
    const finding = deadLetterFinding(key || '(no relocation key)', ctx, err);
    if (countsTowardDlqLimit(err)) this.d.dlqLimit.invalid(topic, partition);
    this.d.log.warn({ relocationId: finding.relocationId, topic, partition, offset: message.offset, err }, 'record sent to the dead-letter topic');
    // Bad input cannot be fixed by a replay: the relocation fails and, when its end passes, is removed. Any other
    // failure parks the relocation here, so a retry after the fix continues where it stopped.
    await this.retried(async () => {
      await this.d.send(message, deadLetterHeaders(ctx, err));
      await this.d.recordFailure(finding, key || undefined, !(err instanceof BadInputError));
    });
    return describeFinding(finding);
  }

  /** A record of a relocation that failed earlier at this stage: to the DLQ behind it, in order, for a retry. */
  async park(topic: string, partition: number, message: KafkaMessage, key: string): Promise<void> {
    await this.retried(() => this.d.send(message, parkedHeaders({ stage: this.d.stage, topic, partition, message }, key)));
  }

  private retried(fn: () => Promise<void>): Promise<void> {
    return withRetry(fn, { maxRetries: Number.MAX_SAFE_INTEGER, baseMs: this.d.retryBaseMs },
      (e, attempt) => this.d.log.warn({ err: e, attempt }, 'dead-lettering failed; retrying'));
  }
}

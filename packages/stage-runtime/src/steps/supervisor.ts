/** What the supervisor needs of a consumer: to let it go. */
export interface Disconnectable { disconnect(): Promise<void> }

export type SupervisedState = 'starting' | 'running' | 'crashed' | 'halted' | 'stopping' | 'stopped';

export interface SupervisorOptions<C extends Disconnectable> {
  /** A new consumer, its listeners attached (they call crashed() and joined()). */
  build(): C;
  /** Connects, subscribes and runs it; rejects when it cannot. */
  start(consumer: C): Promise<void>;
  /** Backoff between rebuilds: baseMs doubled per failed attempt in a row, up to maxMs. */
  baseMs: number;
  maxMs: number;
  onRestart(err: unknown, attempt: number, delayMs: number): void;
}

/**
 * Liveness: a crashed consumer is rebuilt and rejoins. kafkajs restarts a consumer by itself only after a retriable
 * error; "the coordinator is not aware of this member" after an eviction, a rebalance in the middle of a commit or
 * a broker that forgot the group leave it stopped for good. Here every crash disconnects the old consumer (which
 * also cancels a restart kafkajs had scheduled) and builds a new one, with backoff, until it joins its group;
 * `crashed` is a passing state. Only halt() (the DLQ limit) and stop() end it.
 */
export class ConsumerSupervisor<C extends Disconnectable> {
  private readonly o: SupervisorOptions<C>;
  private consumer: C;
  private current: SupervisedState = 'starting';
  private attempt = 0;
  private rebuilding: Promise<void> | undefined;
  private restarts = 0;
  private crashMessage: string | undefined;
  // A consumer that crashed never counts as joined again, even if kafkajs reports a join it had under way.
  private readonly dead = new WeakSet<C>();

  constructor(options: SupervisorOptions<C>) {
    this.o = options;
    this.consumer = options.build();
  }

  get state(): SupervisedState {
    return this.current;
  }

  /** What the last crash said, for a person wondering why the stage restarted. */
  get lastCrash(): string | undefined {
    return this.crashMessage;
  }

  get restartCount(): number {
    return this.restarts;
  }

  /** The consumer in use now: commits, seeks and pauses go to it. */
  get active(): C {
    return this.consumer;
  }

  async start(): Promise<void> {
    await this.o.start(this.consumer);
    if (this.current === 'starting') this.current = 'running';
  }

  /** The consumer joined its group: running again, and the next crash starts its backoff afresh. */
  joined(consumer: C): void {
    if (consumer !== this.consumer || this.dead.has(consumer) || this.current === 'halted' || this.current === 'stopping' || this.current === 'stopped') return;
    this.current = 'running';
    this.attempt = 0;
  }

  crashed(consumer: C, err: unknown): void {
    if (consumer !== this.consumer || this.current === 'halted' || this.current === 'stopping' || this.current === 'stopped') return;
    this.dead.add(consumer);
    this.crashMessage = err instanceof Error ? err.message : String(err);
    this.current = 'crashed';
    this.rebuilding ??= this.rebuild(err).finally(() => (this.rebuilding = undefined));
  }

  /** The DLQ limit: the consumer leaves its group and stays away until an operator restarts the stage. */
  async halt(stopConsumer: (c: C) => Promise<void>): Promise<void> {
    this.current = 'halted';
    // Stopped on the next turn: a batch in hand (which the stop waits for) ends first, and commits what it did.
    await new Promise((r) => setImmediate(r));
    await stopConsumer(this.consumer);
  }

  async stop(): Promise<void> {
    if (this.current === 'stopped') return;
    this.current = 'stopping';
    await this.rebuilding;
    await this.consumer.disconnect();
    this.current = 'stopped';
  }

  private async rebuild(cause: unknown): Promise<void> {
    let err = cause;
    while (this.current === 'crashed') {
      const delayMs = Math.min(this.o.maxMs, this.o.baseMs * 2 ** Math.min(this.attempt, 20));
      this.attempt++;
      this.restarts++;
      this.o.onRestart(err, this.attempt, delayMs);
      await this.consumer.disconnect().catch(() => undefined);
      await new Promise((r) => setTimeout(r, delayMs));
      if (this.current !== 'crashed') return;
      this.consumer = this.o.build();
      try {
        await this.o.start(this.consumer);
        return; // joined() marks it running once it is in its group
      } catch (e) {
        err = e;
      }
    }
  }
}

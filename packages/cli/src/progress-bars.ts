import cliProgress from 'cli-progress';
import type { Progress } from '@relocate/pipeline';
import type { LineSink } from './terminal.ts';
import { bytesOfChunks, formatBytes, formatDuration, formatRate, Throughput } from './throughput.ts';

/** What the reader takes in: the export and events files, cut into chunks of `chunkBytes`. */
export interface SubmittedFiles { chunkBytes: number; sizes: number[] }

/**
 * One bar per stage on stdout, for a person at a terminal: what the stage took in out of what the stage before it
 * produced, with records per second and the time left at that rate. The reader's bar counts bytes of the files.
 */
export class StageProgressBars implements LineSink {
  private readonly bars = new cliProgress.MultiBar({
    stream: process.stdout,
    // {eta} is cli-progress's own token; ours is {left}, from the recent rate.
    format: ' {stage} [{bar}] {amount} {rate} ETA {left} {state}',
    hideCursor: true,
    clearOnComplete: false,
    barsize: 20,
  }, cliProgress.Presets.shades_classic);
  private readonly byStage = new Map<string, { bar: cliProgress.SingleBar; rate: Throughput }>();
  private readonly files: SubmittedFiles;
  private readonly totalBytes: number;

  constructor(stages: readonly string[], files: SubmittedFiles) {
    this.files = files;
    this.totalBytes = files.sizes.reduce((a, b) => a + b, 0);
    for (const stage of stages) {
      this.byStage.set(stage, { bar: this.bars.create(1, 0, { stage: stage.padEnd(13), amount: '', rate: '', left: '--', state: 'pending' }), rate: new Throughput() });
    }
  }

  update(p: Progress, at = Date.now()): void {
    let upstreamOut = p.chunks ?? 1;
    for (const s of p.stages) {
      const entry = this.byStage.get(s.stage);
      const isReader = s.stage === 'reader';
      const done = s.state === 'done';
      // The reader's unit is a byte of the files; the others', a record (a batch of rows or events).
      const total = isReader ? Math.max(this.totalBytes, 1) : Math.max(upstreamOut, s.recordsIn, 1);
      const value = done ? total : isReader ? bytesOfChunks(s.recordsIn, this.files.chunkBytes, this.files.sizes) : s.recordsIn;
      upstreamOut = s.recordsOut;
      if (!entry) continue;
      entry.rate.add(at, value);
      // A finished stage shows its average from its start to its finish (as recorded); a running one, its recent rate.
      const span = s.startedAt && s.finishedAt ? (Date.parse(s.finishedAt) - Date.parse(s.startedAt)) / 1000 : 0;
      const perSecond = done && span > 0 ? value / span : entry.rate.perSecond();
      entry.bar.setTotal(total);
      entry.bar.update(value, {
        stage: s.stage.padEnd(13),
        amount: isReader ? `${formatBytes(value)}/${formatBytes(total)}` : `${value}/${total}`,
        rate: isReader ? `${formatBytes(perSecond)}/s` : formatRate(perSecond, ' rec'),
        left: done ? '0s' : formatDuration(entry.rate.secondsLeft(total)),
        state: p.paused ? `${s.state}, paused` : s.state,
      });
    }
  }

  /** A line above the bars (a warning while they show). */
  log(line: string): void {
    this.bars.log(line);
  }

  stop(): void {
    this.bars.stop();
  }
}

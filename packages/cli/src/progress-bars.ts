import cliProgress from 'cli-progress';
import type { Progress } from '@relocate/pipeline';

/**
 * One bar per stage on stderr: records the stage took in, out of what the stage before it produced (the reader's
 * total is the chunks submitted). Only on a terminal, and never with --json.
 */
export class StageProgressBars {
  private readonly bars = new cliProgress.MultiBar({
    stream: process.stderr,
    format: ' {stage} [{bar}] {value}/{total} {state}',
    hideCursor: true,
    clearOnComplete: false,
    barsize: 30,
  }, cliProgress.Presets.shades_classic);
  private readonly byStage = new Map<string, cliProgress.SingleBar>();
  private readonly chunks: number;

  constructor(stages: readonly string[], chunks: number) {
    this.chunks = chunks;
    for (const stage of stages) this.byStage.set(stage, this.bars.create(1, 0, { stage: stage.padEnd(13), state: 'pending' }));
  }

  update(p: Progress): void {
    let upstreamOut = this.chunks;
    for (const s of p.stages) {
      const bar = this.byStage.get(s.stage);
      const total = Math.max(upstreamOut, s.recordsIn, 1);
      bar?.setTotal(total);
      bar?.update(s.state === 'done' ? total : s.recordsIn, { stage: s.stage.padEnd(13), state: p.paused ? `${s.state}, paused` : s.state });
      upstreamOut = s.recordsOut;
    }
  }

  stop(): void {
    this.bars.stop();
  }
}

/** Rate over the last `windowMs` of samples, so a stage that speeds up or stalls shows it within seconds. */
export class Throughput {
  private readonly samples: Array<{ at: number; value: number }> = [];
  private readonly windowMs: number;

  constructor(windowMs = 10_000) {
    this.windowMs = windowMs;
  }

  add(at: number, value: number): void {
    const last = this.samples.at(-1);
    if (last && value < last.value) this.samples.length = 0; // a restart of the count: begin again
    this.samples.push({ at, value });
    while (this.samples.length > 2 && at - (this.samples[1]?.at ?? at) >= this.windowMs) this.samples.shift();
  }

  /** Units per second; 0 until two samples span some time. */
  perSecond(): number {
    const first = this.samples[0];
    const last = this.samples.at(-1);
    if (!first || !last || last.at <= first.at) return 0;
    return ((last.value - first.value) * 1000) / (last.at - first.at);
  }

  /** Seconds left to reach `total` at the current rate; undefined while the rate is unknown. */
  secondsLeft(total: number): number | undefined {
    const last = this.samples.at(-1);
    const rate = this.perSecond();
    if (!last || rate <= 0) return undefined;
    return Math.max(0, (total - last.value) / rate);
  }
}

/** "12s", "3m05s", "1h02m"; "--" when unknown. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** 2.5/s, 850/s, 12.3k/s, 3.4M/s. */
export function formatRate(perSecond: number, unit = ''): string {
  const scaled = perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(1)}M` : perSecond >= 1e4 ? `${(perSecond / 1e3).toFixed(1)}k` : perSecond.toFixed(perSecond < 10 && perSecond > 0 ? 1 : 0);
  return `${scaled}${unit}/s`;
}

/** 512 B, 3.2 MB, 1.0 GB (decimal units, as file sizes are usually shown). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(1)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${Math.round(bytes)} B`;
}

/**
 * Bytes of the export and events files the reader has taken in after `chunks` chunks: both files are cut into
 * chunks of `chunkBytes` (the last of each shorter) and the export's chunks come first.
 */
export function bytesOfChunks(chunks: number, chunkBytes: number, fileSizes: readonly number[]): number {
  let left = chunks;
  let bytes = 0;
  for (const size of fileSizes) {
    const inFile = Math.max(1, Math.ceil(size / chunkBytes)); // an empty file is one empty chunk
    const taken = Math.min(left, inFile);
    bytes += Math.min(taken * chunkBytes, size);
    left -= taken;
    if (left <= 0) break;
  }
  return bytes;
}

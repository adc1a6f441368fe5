/** Something the database does not hold as the export and the import's documented rules say it should. */
export interface Mismatch {
  model: string | null;
  pk: number | null;
  field: string | null;
  expected: unknown;
  actual: unknown;
  reason: string;
}

/** Collects mismatches; past the limit they are counted, not kept, so memory stays flat whatever goes wrong. */
export class Mismatches {
  readonly kept: Mismatch[] = [];
  count = 0;
  private readonly limit: number;

  constructor(limit = 10_000) {
    this.limit = limit;
  }

  add(m: Mismatch): void {
    this.count++;
    if (this.kept.length < this.limit) this.kept.push(m);
  }
}

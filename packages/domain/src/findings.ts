import { createHash } from 'node:crypto';

export type FindingSeverity = 'error' | 'warning';

/**
 * A problem with a relocation, named precisely enough to act on: what went wrong and where
 * (relocation, model, pk, field). Errors fail the relocation; warnings are reported in its summary.
 */
export interface Finding {
  relocationId: string;
  stage: string;
  severity: FindingSeverity;
  kind: string;
  model: string | null;
  pk: number | null;
  field: string | null;
  reason: string;
}

export function fingerprintOf(f: Finding): string {
  return createHash('sha256').update(JSON.stringify([f.stage, f.kind, f.model, f.pk, f.field, f.reason])).digest('hex');
}

export function describeFinding(f: Pick<Finding, 'relocationId' | 'kind' | 'model' | 'pk' | 'field' | 'reason'>): string {
  const where = [`relocation ${f.relocationId}`, f.model && `model ${f.model}`, f.pk != null && `pk ${f.pk}`, f.field && `field ${f.field}`]
    .filter(Boolean)
    .join(', ');
  return `${f.kind}: ${f.reason} (${where})`;
}

/**
 * Bad input: retrying cannot help. The stage records the finding, fails the relocation and moves on.
 */
export class BadInputError extends Error {
  override name = 'BadInputError';
  readonly retriable = false;
  readonly finding: Omit<Finding, 'relocationId' | 'stage'>;
  constructor(finding: Omit<Finding, 'relocationId' | 'stage' | 'severity'>) {
    super(finding.reason);
    this.finding = { severity: 'error', ...finding };
  }
}

import type { ModelGraph } from '@relocate/domain';
import type { ExportRecord } from './batcher.ts';
import { OutOfOrderRecords } from './deferral.ts';

/** What becomes of a record of the export while projects go first. */
export type Placement = 'hand-on' | 'hold' | 'release-then-hand-on';

/**
 * With events to follow, the projects go to the writer ahead of the rest of the export, with what they need (their
 * organizations and project templates): the event saver waits for its events' projects, and in Sentry's order they
 * come after the users, members and teams, most of an export. Records of other models that come before the last
 * project wait on local disk (memory holds one record) and follow, in dependency order, once the first record of
 * another model after a project shows that the projects have passed (an export holds each model's records together),
 * or at the export's end. Nothing a project needs waits, so the order stays one that the writer can write.
 */
export class ProjectsFirst {
  private readonly ahead: ReadonlySet<string>;
  private readonly held: OutOfOrderRecords;
  private projectSeen = false;
  private holding = true;

  constructor(graph: ModelGraph) {
    this.ahead = dependencyClosure(graph, 'sentry.project');
    this.held = new OutOfOrderRecords(graph);
  }

  place(record: ExportRecord): Placement {
    if (!this.holding) return 'hand-on';
    if (this.ahead.has(record.model)) {
      if (record.model === 'sentry.project') this.projectSeen = true;
      return 'hand-on';
    }
    if (!this.projectSeen) return 'hold';
    this.holding = false;
    return 'release-then-hand-on';
  }

  hold(record: ExportRecord): Promise<void> {
    return this.held.defer(record);
  }

  /** The held records, model by model in dependency order; nothing is held after. */
  async *release(): AsyncGenerator<ExportRecord> {
    this.holding = false;
    yield* this.held.drain();
    await this.held.dispose();
  }

  dispose(): Promise<void> {
    return this.held.dispose();
  }
}

/** The model and every model it depends on, transitively. */
function dependencyClosure(graph: ModelGraph, model: string): Set<string> {
  const out = new Set<string>();
  const visit = (m: string): void => {
    if (out.has(m)) return;
    out.add(m);
    for (const d of graph.dependenciesOf(m)) visit(d);
  };
  visit(model);
  return out;
}

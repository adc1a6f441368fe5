import type { StageName } from '@relocate/codec';
import type { Connections, HostedStages } from '@relocate/stage-host';
import { type GroupMembers, stageGroups } from './groups.ts';
import { hostStages, stageServices } from './host.ts';

/** A line for a person at the terminal (the CLI writes it to stderr). */
export type Notice = (line: string) => void;

/**
 * Which stages `relocate import` hosts, decided again and again rather than once: a stage whose consumer group has
 * no live member (nothing runs it, or the process that ran it died and the broker dropped its members) is taken up
 * here; a stage hosted here that crashed is rebuilt by its runtime, and one halted by its DLQ limit waits for an
 * operator. Each change is told in words.
 */
export class StageHosting {
  private readonly c: Connections;
  private readonly notice: Notice;
  private hosted: HostedStages | undefined;
  private readonly toldRestarts = new Map<StageName, number>();
  private readonly toldHalted = new Set<StageName>();
  private groups: GroupMembers[] = [];
  private readonly mayHost: boolean;

  constructor(c: Connections, notice: Notice, mayHost = true) {
    this.c = c;
    this.notice = notice;
    this.mayHost = mayHost;
  }

  /** Stages hosted in this process. */
  get here(): StageName[] {
    return this.hosted?.stages.map((s) => s.stage) ?? [];
  }

  /** The groups as the last decision saw them. */
  get lastGroups(): GroupMembers[] {
    return this.groups;
  }

  stateOf(stage: StageName): string | undefined {
    return this.hosted?.stages.find((s) => s.stage === stage)?.state();
  }

  /** Hosts what nobody runs; tells of restarts and halts of the stages hosted here. Returns the stages it took up. */
  async decide(): Promise<StageName[]> {
    this.groups = await stageGroups(this.c);
    const here = new Set(this.here);
    const missing = this.mayHost ? this.groups.filter((g) => g.members.length === 0 && !here.has(g.stage)) : [];
    if (missing.length > 0) {
      this.notice(missing.length === 1
        ? `no live consumer in group ${missing[0]?.group}; hosting it now`
        : `no live consumer in groups ${missing.map((g) => g.group).join(', ')}; hosting ${missing.length === this.groups.length ? 'every stage' : 'them'} in this process`);
      const names = missing.map((g) => g.stage);
      if (this.hosted) await this.hosted.add(names.map((n) => stageServices[n]));
      else this.hosted = await hostStages(this.c, names);
    }
    for (const s of this.hosted?.stages ?? []) {
      const restarts = s.restarts();
      if (restarts > (this.toldRestarts.get(s.stage) ?? 0)) {
        this.toldRestarts.set(s.stage, restarts);
        this.notice(`${s.stage}: its consumer crashed (${s.lastCrash() ?? 'no reason given'}); rebuilding it and joining group ${this.groupOf(s.stage)} again (restart ${restarts})`);
      }
      if (s.state() === 'halted' && !this.toldHalted.has(s.stage)) {
        this.toldHalted.add(s.stage);
        this.notice(`${s.stage}: halted by its DLQ limit (${s.haltReason() ?? ''}); it waits for an operator: fix the cause, then run \`relocate run ${s.stage}\``);
      }
    }
    return missing.map((g) => g.stage);
  }

  /** Finishes or abandons the record in hand in every hosted stage, commits, and leaves the groups. */
  async stop(): Promise<void> {
    await this.hosted?.stop();
    this.hosted = undefined;
  }

  private groupOf(stage: StageName): string {
    return this.groups.find((g) => g.stage === stage)?.group ?? stage;
  }
}

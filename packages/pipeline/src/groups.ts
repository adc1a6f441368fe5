import { consumerGroupOf, stageNames, type StageName } from '@relocate/codec';
import type { Connections } from '@relocate/stage-host';

export interface GroupMembers { stage: StageName; group: string; members: string[] }

/** Each stage's consumer group and the client ids of its members, as the broker sees them now. */
export async function stageGroups(c: Connections): Promise<GroupMembers[]> {
  const admin = c.kafka.admin();
  await admin.connect();
  try {
    const names = stageNames.map((s) => consumerGroupOf(c.config.topicPrefix, s));
    const { groups } = await admin.describeGroups(names);
    return stageNames.map((stage, i) => {
      const group = names[i] as string;
      const g = groups.find((x) => x.groupId === group);
      return { stage, group, members: (g?.members ?? []).map((m) => `${m.clientId}@${m.clientHost.replace(/^\//, '')}`) };
    });
  } finally {
    await admin.disconnect();
  }
}

/** Stages that have at least one live consumer in their group. */
export async function liveStages(c: Connections): Promise<StageName[]> {
  return (await stageGroups(c)).filter((g) => g.members.length > 0).map((g) => g.stage);
}

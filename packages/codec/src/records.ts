/** TypeScript views of schemas/*.avsc. Unions of records decode wrapped, keyed by the full type name. */

export type ImportScope = 'USER' | 'ORGANIZATION' | 'CONFIG' | 'GLOBAL';
export type ImportKind = 'INSERTED' | 'EXISTING' | 'OVERWRITE';

export interface ImportOptions {
  scope: ImportScope;
  mergeUsers: boolean;
  overwriteConfigs: boolean;
  hideOrganizations: boolean;
  filterOrgSlugs: string[] | null;
  filterUsernames: string[] | null;
  /** Sentry drops a record whose parent the export lacks; by default we fail the relocation instead. */
  dropDangling?: boolean;
}

export interface ExportChunk {
  relocationId: string;
  part: 'EXPORT' | 'EVENTS';
  seq: number;
  isLast: boolean;
  hasEvents: boolean;
  options: ImportOptions | null;
  data: Buffer;
  /** Tells apart two submissions of one relocation whose chunks interleave on its partition. */
  submissionId?: string | null;
}

export interface ModelRecord { pk: number; fields: string }
export interface ModelBatch { model: string; minOrdinal: number; records: ModelRecord[] }
export interface PrimaryKeyMapEntry { oldPk: number; newPk: number; kind: ImportKind; slug: string | null }
export interface WrittenBatch { model: string; minOrdinal: number; entries: PrimaryKeyMapEntry[] }
export interface SlugDecision { organizationId: number; oldPk: number; requestedSlug: string; candidateSlug: string }
export interface SlugReserved { organizationId: number; requestedSlug: string; finalSlug: string }
export interface EventBatch { ordinal: number; projectsRemapped: boolean; events: string[] }
export interface RelocationEnd { modelBatches: number; eventBatches: number; records: number; events: number }

export type Payload =
  | { 'relocate.ModelBatch': ModelBatch }
  | { 'relocate.WrittenBatch': WrittenBatch }
  | { 'relocate.SlugDecision': SlugDecision }
  | { 'relocate.SlugReserved': SlugReserved }
  | { 'relocate.EventBatch': EventBatch }
  | { 'relocate.RelocationEnd': RelocationEnd };

export interface PipelineRecord { relocationId: string; producedBy: string; payload: Payload }

export interface EventstreamInsert {
  version: number;
  type: string;
  relocationId: string;
  organizationId: number;
  projectId: number;
  eventId: string;
  groupId: number | null;
  primaryHash: string;
  isNew: boolean;
  isRegression: boolean;
  isNewGroupEnvironment: boolean;
  skipConsume: boolean;
  platform: string;
  message: string;
  datetime: number;
  receivedTimestamp: number;
  retentionDays: number;
  data: string;
}

export type RelocationEventType =
  | 'STARTED' | 'COMPLETED' | 'FAILED' | 'UNKNOWN'
  | 'STAGE_PROGRESS' | 'STAGE_DONE' | 'STAGE_FAILED'
  | 'PAUSED' | 'RESUMED' | 'CANCELLED' | 'RETRIED';

/** Fields after `summary` have defaults, so writers of the first version of the schema still decode. */
export interface RelocationEvent {
  relocationId: string;
  type: RelocationEventType;
  at: number;
  summary: string;
  stage?: string | null;
  reason?: string | null;
  recordsIn?: number;
  recordsOut?: number;
  firstPartition?: number | null;
  firstOffset?: number | null;
}

/** Narrow a payload to one kind; undefined when it is another. */
export function payloadOf<K extends keyof UnionOfPayload>(p: Payload, kind: K): UnionOfPayload[K] | undefined {
  return (p as Partial<UnionOfPayload>)[kind];
}
type UnionOfPayload = {
  'relocate.ModelBatch': ModelBatch;
  'relocate.WrittenBatch': WrittenBatch;
  'relocate.SlugDecision': SlugDecision;
  'relocate.SlugReserved': SlugReserved;
  'relocate.EventBatch': EventBatch;
  'relocate.RelocationEnd': RelocationEnd;
};
export type PayloadKind = keyof UnionOfPayload;
export function kindOf(p: Payload): PayloadKind {
  const k = Object.keys(p)[0];
  return k as PayloadKind;
}

-- `relocate import` explains a stall by the relocation ahead of its own on the same partition of a stage: the
-- running relocations of a stage by partition, found without reading every relocation ever run.
CREATE INDEX relocation_stage_running_by_partition ON relocate.relocation_stage (stage, first_partition, started_at) WHERE state = 'running';

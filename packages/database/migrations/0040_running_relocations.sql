-- `relocate import` explains a stall by a relocation ahead of its own on the same partition: the running
-- relocations in order of creation, found without reading every relocation ever run.
CREATE INDEX relocation_running_by_creation ON relocate.relocation (created_at) WHERE status = 'running';

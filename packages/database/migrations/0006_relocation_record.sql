-- The relocation record, per stage: the projection of the events on the relocations topic.

-- An operator may cancel a relocation; pausing keeps it running but holds its records.
ALTER TABLE relocate.relocation DROP CONSTRAINT relocation_status_check;
ALTER TABLE relocate.relocation ADD CONSTRAINT relocation_status_check CHECK (status IN ('running', 'success', 'failure', 'cancelled'));
ALTER TABLE relocate.relocation ADD COLUMN paused boolean NOT NULL DEFAULT false;

-- What each stage did for a relocation. Counts are records delivered to the stage (in) and produced by it (out);
-- a replayed record counts again.
CREATE TABLE relocate.relocation_stage (
  relocation_id text NOT NULL,
  stage         text NOT NULL,
  state         text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'failed', 'done')),
  records_in    bigint NOT NULL DEFAULT 0,
  records_out   bigint NOT NULL DEFAULT 0,
  reason        text,
  -- Where the relocation's first record sits on the stage's input topic: a rewind goes back to it.
  first_partition integer,
  first_offset    bigint,
  started_at    timestamptz,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  PRIMARY KEY (relocation_id, stage)
);

-- How far the projection has applied each partition of the relocations topic; an event below it is not applied
-- again, so the projection is exactly once even though Kafka delivers at least once.
CREATE TABLE relocate.record_watermark (
  topic      text    NOT NULL,
  partition  integer NOT NULL,
  next_offset bigint NOT NULL,
  PRIMARY KEY (topic, partition)
);

-- A stage that failed a relocation's record parks the relocation: its later records at that stage go to the DLQ
-- behind the failed one, in order, so replaying the DLQ re-runs the relocation from where it failed.
CREATE TABLE relocate.parked_relocation (
  relocation_id text NOT NULL,
  stage         text NOT NULL,
  reason        text NOT NULL,
  parked_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (relocation_id, stage)
);

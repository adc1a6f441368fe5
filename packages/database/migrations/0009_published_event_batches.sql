-- The eventstream outbox marks what it published per event batch instead of per event: one row per batch, where
-- rewriting every saved event to flip a flag cost as much as saving it. An event is still to publish when the batch
-- that saved it has no mark. Events published before this migration have no batch (nothing to publish); those not
-- yet published get batch 0, which no batch has, so a replay of theirs publishes them again.
CREATE TABLE relocate.published_event_batch (
  relocation_id text   NOT NULL REFERENCES relocate.relocation (id) ON DELETE CASCADE,
  ordinal       bigint NOT NULL,
  PRIMARY KEY (relocation_id, ordinal)
);
ALTER TABLE relocate.saved_event ADD COLUMN batch bigint;
UPDATE relocate.saved_event SET batch = 0 WHERE NOT published;
ALTER TABLE relocate.saved_event DROP COLUMN published;

-- Pipeline bookkeeping lives in its own schema, apart from Sentry's tables.
CREATE SCHEMA IF NOT EXISTS relocate;

CREATE TABLE relocate.relocation (
  id            text PRIMARY KEY,
  status        text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'success', 'failure')),
  options       jsonb NOT NULL,
  reason        text,
  summary       jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  completed_at  timestamptz,
  -- The completion event is published after the record commits, then marked (an outbox of one).
  completion_published boolean NOT NULL DEFAULT false,
  -- Set when what the relocation inserted was removed again (it failed, or an operator aborted it).
  aborted_at    timestamptz
);

-- The PrimaryKeyMap: the only way a foreign key is rewritten.
CREATE TABLE relocate.pk_map (
  relocation_id text   NOT NULL REFERENCES relocate.relocation (id) ON DELETE CASCADE,
  model         text   NOT NULL,
  old_pk        bigint NOT NULL,
  new_pk        bigint NOT NULL,
  kind          text   NOT NULL CHECK (kind IN ('INSERTED', 'EXISTING', 'OVERWRITE')),
  slug          text,
  PRIMARY KEY (relocation_id, model, old_pk)
);

-- One row per written batch, as Sentry's RegionImportChunk: a redelivered batch finds it and writes nothing.
CREATE TABLE relocate.import_chunk (
  relocation_id        text    NOT NULL REFERENCES relocate.relocation (id) ON DELETE CASCADE,
  model                text    NOT NULL,
  min_ordinal          bigint  NOT NULL CHECK (min_ordinal >= 1),
  max_ordinal          bigint  NOT NULL,
  min_source_pk        bigint,
  max_source_pk        bigint,
  min_inserted_pk      bigint,
  max_inserted_pk      bigint,
  inserted_map         jsonb   NOT NULL DEFAULT '{}',
  existing_map         jsonb   NOT NULL DEFAULT '{}',
  overwrite_map        jsonb   NOT NULL DEFAULT '{}',
  inserted_identifiers jsonb   NOT NULL DEFAULT '{}',
  date_added           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (relocation_id, model, min_ordinal)
);

CREATE TABLE relocate.finding (
  id            bigserial PRIMARY KEY,
  relocation_id text NOT NULL,
  stage         text NOT NULL,
  severity      text NOT NULL CHECK (severity IN ('error', 'warning')),
  kind          text NOT NULL,
  model         text,
  pk            bigint,
  field         text,
  reason        text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  -- A replayed batch reports the same finding once.
  fingerprint   text NOT NULL,
  UNIQUE (relocation_id, fingerprint)
);
CREATE INDEX finding_relocation ON relocate.finding (relocation_id);

-- Events already saved, so a replay never writes an event twice; (project_id, event_id) is also the eventstream dedupe key.
-- It doubles as the eventstream outbox: a message is published after its row commits and then marked, so a
-- crash between the two re-publishes it rather than losing it, and a replay of a published event sends nothing.
CREATE TABLE relocate.saved_event (
  project_id    bigint NOT NULL,
  event_id      text   NOT NULL,
  relocation_id text   NOT NULL,
  group_id      bigint,
  message       jsonb  NOT NULL,
  published     boolean NOT NULL DEFAULT false,
  saved_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (project_id, event_id)
);
CREATE INDEX saved_event_relocation ON relocate.saved_event (relocation_id);

-- Organizations a relocation keeps hidden until it completes, with the status to restore then.
CREATE TABLE relocate.hidden_organization (
  relocation_id   text   NOT NULL REFERENCES relocate.relocation (id) ON DELETE CASCADE,
  organization_id bigint NOT NULL,
  original_status integer NOT NULL,
  PRIMARY KEY (relocation_id, organization_id)
);

-- Each relocated organization's slug as asked for and as finally reserved.
CREATE TABLE relocate.org_slug (
  relocation_id   text   NOT NULL REFERENCES relocate.relocation (id) ON DELETE CASCADE,
  organization_id bigint NOT NULL,
  requested_slug  text   NOT NULL,
  final_slug      text   NOT NULL,
  PRIMARY KEY (relocation_id, organization_id)
);

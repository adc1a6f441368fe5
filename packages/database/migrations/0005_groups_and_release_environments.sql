-- What Sentry's event save creates around an event: its group (by grouping hash) and the release/environment links.

CREATE TABLE sentry_groupedmessage (
  id bigserial PRIMARY KEY,
  project_id bigint NOT NULL REFERENCES sentry_project (id) DEFERRABLE INITIALLY DEFERRED,
  first_release_id bigint REFERENCES sentry_release (id) DEFERRABLE INITIALLY DEFERRED,
  message text NOT NULL DEFAULT '',
  level integer NOT NULL DEFAULT 40,
  status integer NOT NULL DEFAULT 0,
  times_seen integer NOT NULL DEFAULT 1,
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL
);

CREATE TABLE sentry_grouphash (
  id bigserial PRIMARY KEY,
  project_id bigint NOT NULL REFERENCES sentry_project (id) DEFERRABLE INITIALLY DEFERRED,
  hash varchar(32) NOT NULL,
  group_id bigint REFERENCES sentry_groupedmessage (id) DEFERRABLE INITIALLY DEFERRED,
  UNIQUE (project_id, hash)
);

CREATE TABLE sentry_groupenvironment (
  id bigserial PRIMARY KEY,
  group_id bigint NOT NULL REFERENCES sentry_groupedmessage (id) DEFERRABLE INITIALLY DEFERRED,
  environment_id bigint NOT NULL REFERENCES sentry_environment (id) DEFERRABLE INITIALLY DEFERRED,
  first_release_id bigint REFERENCES sentry_release (id) DEFERRABLE INITIALLY DEFERRED,
  first_seen timestamptz NOT NULL,
  UNIQUE (group_id, environment_id)
);

-- Sentry's ReleaseEnvironment lives in sentry_environmentrelease.
CREATE TABLE sentry_environmentrelease (
  id bigserial PRIMARY KEY,
  organization_id bigint NOT NULL,
  project_id bigint,
  release_id bigint NOT NULL REFERENCES sentry_release (id) DEFERRABLE INITIALLY DEFERRED,
  environment_id bigint NOT NULL REFERENCES sentry_environment (id) DEFERRABLE INITIALLY DEFERRED,
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL,
  UNIQUE (organization_id, release_id, environment_id)
);

CREATE TABLE sentry_releaseprojectenvironment (
  id bigserial PRIMARY KEY,
  release_id bigint NOT NULL REFERENCES sentry_release (id) DEFERRABLE INITIALLY DEFERRED,
  project_id bigint NOT NULL REFERENCES sentry_project (id) DEFERRABLE INITIALLY DEFERRED,
  environment_id bigint NOT NULL REFERENCES sentry_environment (id) DEFERRABLE INITIALLY DEFERRED,
  new_issues_count integer NOT NULL DEFAULT 0,
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL,
  UNIQUE (project_id, release_id, environment_id)
);

-- Organization slug reservations: the slug is unique across every organization, and so arbitrates races.
CREATE TABLE sentry_organizationslugreservation (
  id bigserial PRIMARY KEY,
  slug varchar(50) NOT NULL UNIQUE,
  organization_id bigint NOT NULL,
  user_id bigint,
  region_name varchar(48) NOT NULL DEFAULT 'local',
  -- PRIMARY=0, VANITY_ALIAS=1, TEMPORARY_RENAME_ALIAS=2, as in Sentry.
  reservation_type integer NOT NULL DEFAULT 0,
  date_added timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, reservation_type)
);
CREATE UNIQUE INDEX sentry_organizationslugreservation_slug_ci ON sentry_organizationslugreservation (lower(slug));

CREATE TABLE sentry_release (
  id bigserial PRIMARY KEY,
  organization_id bigint NOT NULL REFERENCES sentry_organization (id) DEFERRABLE INITIALLY DEFERRED,
  version varchar(250) NOT NULL,
  date_added timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, version)
);

CREATE TABLE sentry_release_project (
  id bigserial PRIMARY KEY,
  project_id bigint NOT NULL REFERENCES sentry_project (id) DEFERRABLE INITIALLY DEFERRED,
  release_id bigint NOT NULL REFERENCES sentry_release (id) DEFERRABLE INITIALLY DEFERRED,
  new_groups integer NOT NULL DEFAULT 0,
  UNIQUE (project_id, release_id)
);

CREATE TABLE sentry_environment (
  id bigserial PRIMARY KEY,
  organization_id bigint NOT NULL,
  name varchar(64) NOT NULL,
  date_added timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, name)
);

CREATE TABLE sentry_environmentproject (
  id bigserial PRIMARY KEY,
  project_id bigint NOT NULL REFERENCES sentry_project (id) DEFERRABLE INITIALLY DEFERRED,
  environment_id bigint NOT NULL REFERENCES sentry_environment (id) DEFERRABLE INITIALLY DEFERRED,
  is_hidden boolean,
  UNIQUE (project_id, environment_id)
);

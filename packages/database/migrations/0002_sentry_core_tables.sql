-- Sentry's tables for the models of fresh-install.json, named and shaped as in Sentry.
-- Ids come from each table's sequence; relocated rows get new ids through the PrimaryKeyMap.

CREATE TABLE sentry_option (
  id bigserial PRIMARY KEY,
  key varchar(128) NOT NULL UNIQUE,
  last_updated timestamptz NOT NULL DEFAULT now(),
  last_updated_by varchar(16) NOT NULL DEFAULT 'unknown',
  value jsonb
);

CREATE TABLE sentry_email (
  id bigserial PRIMARY KEY,
  email varchar(75) NOT NULL,
  date_added timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX sentry_email_email_ci ON sentry_email (lower(email));

CREATE TABLE sentry_organization (
  id bigserial PRIMARY KEY,
  name varchar(64) NOT NULL,
  slug varchar(50) NOT NULL UNIQUE,
  status integer NOT NULL DEFAULT 0,
  date_added timestamptz NOT NULL DEFAULT now(),
  default_role varchar(32) NOT NULL DEFAULT 'member',
  is_test boolean NOT NULL DEFAULT false,
  flags bigint NOT NULL DEFAULT 1
);

CREATE TABLE auth_user (
  id bigserial PRIMARY KEY,
  password varchar(128) NOT NULL,
  last_login timestamptz,
  username varchar(128) NOT NULL UNIQUE,
  name varchar(200) NOT NULL DEFAULT '',
  email varchar(75) NOT NULL DEFAULT '',
  is_staff boolean NOT NULL DEFAULT false,
  is_active boolean NOT NULL DEFAULT true,
  is_superuser boolean NOT NULL DEFAULT false,
  is_managed boolean NOT NULL DEFAULT false,
  is_sentry_app boolean,
  is_password_expired boolean NOT NULL DEFAULT false,
  is_unclaimed boolean NOT NULL DEFAULT false,
  last_password_change timestamptz,
  flags bigint NOT NULL DEFAULT 0,
  session_nonce varchar(12),
  date_joined timestamptz NOT NULL DEFAULT now(),
  last_active timestamptz,
  avatar_type smallint NOT NULL DEFAULT 0,
  avatar_url varchar(120),
  is_suspended boolean NOT NULL DEFAULT false
);

CREATE TABLE sentry_relayusage (
  id bigserial PRIMARY KEY,
  relay_id varchar(64) NOT NULL,
  version varchar(32) NOT NULL,
  first_seen timestamptz NOT NULL DEFAULT now(),
  last_seen timestamptz NOT NULL DEFAULT now(),
  public_key varchar(200),
  UNIQUE (relay_id, version)
);

CREATE TABLE sentry_relay (
  id bigserial PRIMARY KEY,
  relay_id varchar(64) NOT NULL UNIQUE,
  public_key varchar(200) NOT NULL,
  first_seen timestamptz,
  last_seen timestamptz,
  is_internal boolean
);

CREATE TABLE auth_authenticator (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES auth_user (id) DEFERRABLE INITIALLY DEFERRED,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  type integer NOT NULL,
  config text NOT NULL,
  UNIQUE (user_id, type)
);

CREATE TABLE sentry_useremail (
  id bigserial PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES auth_user (id) DEFERRABLE INITIALLY DEFERRED,
  email varchar(75) NOT NULL,
  validation_hash varchar(32) NOT NULL,
  date_hash_added timestamptz NOT NULL DEFAULT now(),
  is_verified boolean NOT NULL DEFAULT false,
  UNIQUE (user_id, email)
);

CREATE TABLE sentry_userrole (
  id bigserial PRIMARY KEY,
  date_updated timestamptz NOT NULL DEFAULT now(),
  date_added timestamptz NOT NULL DEFAULT now(),
  name varchar(32) NOT NULL UNIQUE,
  permissions jsonb NOT NULL DEFAULT '[]'
);

CREATE TABLE sentry_userrole_users (
  id bigserial PRIMARY KEY,
  date_updated timestamptz NOT NULL DEFAULT now(),
  date_added timestamptz NOT NULL DEFAULT now(),
  user_id bigint NOT NULL REFERENCES auth_user (id) DEFERRABLE INITIALLY DEFERRED,
  role_id bigint NOT NULL REFERENCES sentry_userrole (id) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE sentry_team (
  id bigserial PRIMARY KEY,
  organization_id bigint NOT NULL REFERENCES sentry_organization (id) DEFERRABLE INITIALLY DEFERRED,
  slug varchar(50) NOT NULL,
  name varchar(64) NOT NULL,
  status integer NOT NULL DEFAULT 0,
  idp_provisioned boolean NOT NULL DEFAULT false,
  date_added timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, slug)
);

CREATE TABLE sentry_organizationmember (
  id bigserial PRIMARY KEY,
  organization_id bigint NOT NULL REFERENCES sentry_organization (id) DEFERRABLE INITIALLY DEFERRED,
  -- HybridCloudForeignKeys cross silos in Sentry: integer ids without a database constraint.
  user_id bigint,
  email varchar(75),
  role varchar(32) NOT NULL DEFAULT 'member',
  flags bigint NOT NULL DEFAULT 0,
  token varchar(64) UNIQUE,
  date_added timestamptz NOT NULL DEFAULT now(),
  token_expires_at timestamptz,
  has_global_access boolean NOT NULL DEFAULT true,
  inviter_id bigint,
  invite_status integer NOT NULL DEFAULT 0,
  type integer NOT NULL DEFAULT 50,
  user_is_active boolean NOT NULL DEFAULT true,
  user_email varchar(75),
  UNIQUE (organization_id, user_id),
  UNIQUE (organization_id, email)
);

CREATE TABLE sentry_project (
  id bigserial PRIMARY KEY,
  slug varchar(50),
  name varchar(200) NOT NULL,
  forced_color varchar(6),
  organization_id bigint NOT NULL REFERENCES sentry_organization (id) DEFERRABLE INITIALLY DEFERRED,
  public boolean NOT NULL DEFAULT false,
  date_added timestamptz NOT NULL DEFAULT now(),
  status integer NOT NULL DEFAULT 0,
  first_event timestamptz,
  flags bigint NOT NULL DEFAULT 0,
  platform varchar(64),
  template_id bigint,
  UNIQUE (organization_id, slug)
);

CREATE TABLE sentry_projectkey (
  id bigserial PRIMARY KEY,
  project_id bigint NOT NULL REFERENCES sentry_project (id) DEFERRABLE INITIALLY DEFERRED,
  label varchar(64),
  public_key varchar(32) UNIQUE,
  secret_key varchar(32) UNIQUE,
  roles bigint NOT NULL DEFAULT 1,
  status integer NOT NULL DEFAULT 0,
  date_added timestamptz NOT NULL DEFAULT now(),
  rate_limit_count integer,
  rate_limit_window integer,
  data jsonb NOT NULL DEFAULT '{}'
);

CREATE TABLE sentry_rule (
  id bigserial PRIMARY KEY,
  project_id bigint NOT NULL REFERENCES sentry_project (id) DEFERRABLE INITIALLY DEFERRED,
  environment_id bigint,
  label varchar(256) NOT NULL,
  data text NOT NULL,
  status integer NOT NULL DEFAULT 0,
  source integer NOT NULL DEFAULT 0,
  owner_user_id bigint,
  owner_team_id bigint REFERENCES sentry_team (id) DEFERRABLE INITIALLY DEFERRED,
  date_added timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sentry_projectteam (
  id bigserial PRIMARY KEY,
  project_id bigint NOT NULL REFERENCES sentry_project (id) DEFERRABLE INITIALLY DEFERRED,
  team_id bigint NOT NULL REFERENCES sentry_team (id) DEFERRABLE INITIALLY DEFERRED,
  UNIQUE (project_id, team_id)
);

CREATE TABLE sentry_organizationmember_teams (
  id bigserial PRIMARY KEY,
  team_id bigint NOT NULL REFERENCES sentry_team (id) DEFERRABLE INITIALLY DEFERRED,
  organizationmember_id bigint NOT NULL REFERENCES sentry_organizationmember (id) DEFERRABLE INITIALLY DEFERRED,
  is_active boolean NOT NULL DEFAULT true,
  role varchar(32),
  UNIQUE (organizationmember_id, team_id)
);

CREATE TABLE sentry_projectoptions (
  id bigserial PRIMARY KEY,
  project_id bigint NOT NULL REFERENCES sentry_project (id) DEFERRABLE INITIALLY DEFERRED,
  key varchar(64) NOT NULL,
  value jsonb,
  UNIQUE (project_id, key)
);

CREATE TABLE sentry_apiapplication (
  id bigserial PRIMARY KEY,
  client_id varchar(64) NOT NULL UNIQUE,
  client_secret text NOT NULL,
  owner_id bigint REFERENCES auth_user (id) DEFERRABLE INITIALLY DEFERRED,
  name varchar(64) NOT NULL,
  status integer NOT NULL DEFAULT 0,
  allowed_origins text,
  redirect_uris text NOT NULL DEFAULT '',
  homepage_url varchar(200),
  privacy_url varchar(200),
  terms_url varchar(200),
  date_added timestamptz NOT NULL DEFAULT now()
);

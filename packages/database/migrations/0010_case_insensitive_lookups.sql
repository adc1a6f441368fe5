-- Every lookup a stage makes is served by an index that matches it, so its cost does not grow with the region.
-- Usernames and organization slugs are looked up case-insensitively when a suffix is drawn, as Sentry's
-- unique_db_instance does (username__iexact, slug__iexact); Sentry keeps them unique as written, so these are plain.
CREATE INDEX auth_user_username_ci ON auth_user (lower(username));
CREATE INDEX sentry_organization_slug_ci ON sentry_organization (lower(slug));
-- Whether a record was dropped with a finding, asked for the foreign-key targets of a batch.
CREATE INDEX finding_relocation_model_pk ON relocate.finding (relocation_id, model, pk);
DROP INDEX relocate.finding_relocation;

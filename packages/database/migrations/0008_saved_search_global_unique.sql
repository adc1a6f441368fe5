-- Sentry's unique (is_global, name) on saved searches holds only for global ones (a conditional constraint that
-- the dependency description cannot carry): two organizations may each have a search called "Mine".
ALTER TABLE sentry_savedsearch DROP CONSTRAINT sentry_savedsearch_is_global_name_key;
ALTER TABLE sentry_savedsearch ALTER COLUMN is_global TYPE boolean USING (is_global::boolean);
ALTER TABLE sentry_savedsearch ALTER COLUMN is_global SET DEFAULT false;
CREATE UNIQUE INDEX sentry_savedsearch_is_global_name ON sentry_savedsearch (name) WHERE is_global;

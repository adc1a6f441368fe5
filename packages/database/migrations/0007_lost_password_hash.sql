-- Sentry gives every user a relocation leaves unclaimed a LostPasswordHash, the link that lets its owner claim the
-- account. The model itself is never relocated (scope Excluded), so the generator does not make this table.

CREATE TABLE sentry_lostpasswordhash (
  id bigserial PRIMARY KEY,
  -- Removing a relocated user (abort) takes its hash with it.
  user_id bigint NOT NULL UNIQUE REFERENCES auth_user (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  hash varchar(32) NOT NULL,
  date_added timestamptz NOT NULL DEFAULT now()
);

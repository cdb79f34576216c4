-- Mail that could not be handed over waits before the next attempt (doubling, up to an hour)
-- instead of being retried every pass, and keeps the last reason for operators.
ALTER TABLE outbox ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE outbox ADD COLUMN last_error text;
DROP INDEX outbox_unsent;
CREATE INDEX outbox_unsent ON outbox (next_attempt_at) WHERE sent_at IS NULL;

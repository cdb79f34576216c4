-- The intent workflow: state, the decision that classified it, idempotency, and warrants.
ALTER TABLE intents ADD COLUMN status text NOT NULL DEFAULT 'pending_approval'
    CHECK (status IN ('pending_approval', 'approved', 'executed', 'failed', 'rejected', 'expired', 'cancelled', 'denied'));
ALTER TABLE intents ADD COLUMN decision text;
ALTER TABLE intents ADD COLUMN expires_at timestamptz;
ALTER TABLE intents ADD COLUMN api_key_id uuid;
ALTER TABLE intents ADD COLUMN idempotency_key text CHECK (length(idempotency_key) <= 255);
ALTER TABLE intents ADD COLUMN request_hash text;
ALTER TABLE intents ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
CREATE UNIQUE INDEX intents_idempotency ON intents (tenant_id, agent_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX intents_pending_expiry ON intents (expires_at) WHERE status = 'pending_approval';

-- One warrant per approved intent; redeemed and revoked at most once.
CREATE TABLE warrants (
    tenant_id   uuid        NOT NULL REFERENCES tenants (id),
    jti         text        NOT NULL,
    intent_id   uuid        NOT NULL,
    kid         text        NOT NULL,
    token       text        NOT NULL,
    expires_at  timestamptz NOT NULL,
    redeemed_at timestamptz,
    revoked_at  timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, jti),
    UNIQUE (tenant_id, intent_id),
    FOREIGN KEY (tenant_id, intent_id) REFERENCES intents (tenant_id, id)
);
ALTER TABLE warrants ENABLE ROW LEVEL SECURITY;
ALTER TABLE warrants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON warrants
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE ON warrants TO writ_app;

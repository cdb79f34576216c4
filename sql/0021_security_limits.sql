-- Every webhook endpoint receives every event it subscribes to, so endpoints multiply outgoing
-- traffic toward any public URL: each plan caps how many a tenant may hold.
ALTER TABLE plans ADD COLUMN max_webhook_endpoints integer NOT NULL DEFAULT 5 CHECK (max_webhook_endpoints > 0);
UPDATE plans SET max_webhook_endpoints = CASE id WHEN 'free' THEN 5 WHEN 'team' THEN 50 ELSE 500 END;

-- Vienna OS request signatures sent with a timestamp (X-Vienna-Timestamp) are accepted once: each
-- is remembered until its ±5 minute window has passed, so a captured request cannot be replayed.
-- Only a hash of the signature is kept (it authorizes nothing by itself anyway).
CREATE TABLE signed_request_replays (
    tenant_id      uuid        NOT NULL REFERENCES tenants (id),
    key_id         uuid        NOT NULL,
    signature_hash bytea       NOT NULL,
    seen_until     timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, key_id, signature_hash)
);
CREATE INDEX signed_request_replays_expiry ON signed_request_replays (tenant_id, seen_until);
ALTER TABLE signed_request_replays ENABLE ROW LEVEL SECURITY;
ALTER TABLE signed_request_replays FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON signed_request_replays
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, DELETE ON signed_request_replays TO writ_app;

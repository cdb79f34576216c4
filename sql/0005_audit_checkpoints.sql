-- Signed checkpoints of each tenant's audit chain. A checkpoint is also an event in the chain
-- (type audit.checkpoint, right after the event it covers), so an export carries its own proofs;
-- this table lists them for GET /v1/audit/checkpoints.
ALTER TABLE audit_heads ADD COLUMN checkpoint_seq bigint NOT NULL DEFAULT 0;
ALTER TABLE audit_heads ADD COLUMN checkpoint_at timestamptz;

CREATE TABLE audit_checkpoints (
    tenant_id uuid        NOT NULL REFERENCES tenants (id),
    seq       bigint      NOT NULL,
    hash      text        NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
    iat       bigint      NOT NULL,
    kid       text        NOT NULL,
    jws       text        NOT NULL,
    event_seq bigint      NOT NULL,
    PRIMARY KEY (tenant_id, seq),
    FOREIGN KEY (tenant_id, event_seq) REFERENCES audit_events (tenant_id, seq)
);
ALTER TABLE audit_checkpoints ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_checkpoints FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_checkpoints
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
CREATE TRIGGER audit_checkpoints_append_only BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
GRANT SELECT, INSERT ON audit_checkpoints TO writ_app;

-- The checkpoint job must find which tenants' chains grew. It may read the heads (sequence
-- numbers and hashes, no tenant data) of every tenant, and only in a transaction that declares
-- that job; everything else stays tenant-scoped.
CREATE POLICY checkpoint_scan ON audit_heads FOR SELECT
    USING (current_setting('app.job', true) = 'audit-checkpoints');

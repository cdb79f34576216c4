-- The per-tenant, hash-chained audit log. Rows are append-only for everyone: writ_app may only
-- INSERT and SELECT, and a trigger refuses UPDATE, DELETE and TRUNCATE even for the owner.
CREATE TABLE audit_heads (
    tenant_id uuid   PRIMARY KEY REFERENCES tenants (id),
    seq       bigint NOT NULL CHECK (seq >= 0),
    hash      text   NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$')
);

CREATE TABLE audit_events (
    tenant_id    uuid        NOT NULL REFERENCES tenants (id),
    seq          bigint      NOT NULL CHECK (seq >= 1),
    occurred_at  timestamptz NOT NULL,
    type         text        NOT NULL,
    actor_kind   text        NOT NULL,
    actor_id     text,
    subject_kind text,
    subject_id   text,
    -- The exact RFC 8785 bytes that were hashed (the event without its hash member).
    body         text        NOT NULL,
    hash         text        NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
    PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX audit_events_type ON audit_events (tenant_id, type, seq);
CREATE INDEX audit_events_time ON audit_events (tenant_id, occurred_at);

CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();

ALTER TABLE audit_heads ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_heads FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_heads
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_events
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);

GRANT SELECT, INSERT, UPDATE ON audit_heads TO writ_app;
GRANT SELECT, INSERT ON audit_events TO writ_app;

-- Approval decisions by people, the notification outbox, and board approval links.
ALTER TABLE intents ADD COLUMN required_approvals integer;
ALTER TABLE intents ADD COLUMN result text CHECK (result IN ('executed', 'failed'));
ALTER TABLE intents ADD COLUMN result_summary text CHECK (length(result_summary) <= 2000);

CREATE TABLE approvals (
    tenant_id  uuid        NOT NULL,
    intent_id  uuid        NOT NULL,
    user_id    uuid        NOT NULL,
    decision   text        NOT NULL CHECK (decision IN ('approve', 'reject')),
    comment    text        CHECK (length(comment) <= 2000),
    mfa        boolean     NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, intent_id, user_id),
    FOREIGN KEY (tenant_id, intent_id) REFERENCES intents (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);

-- Notifications written in the same transaction as the change that needs them; delivery
-- channels drain it.
CREATE TABLE outbox (
    tenant_id  uuid        NOT NULL REFERENCES tenants (id),
    id         uuid        NOT NULL,
    kind       text        NOT NULL,
    recipient  text        NOT NULL,
    subject    text        NOT NULL,
    body       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    sent_at    timestamptz,
    attempts   integer     NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX outbox_unsent ON outbox (created_at) WHERE sent_at IS NULL;

DO $$
DECLARE
    tenant_table text;
BEGIN
    FOREACH tenant_table IN ARRAY ARRAY['approvals', 'outbox'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', tenant_table);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', tenant_table);
        EXECUTE format($policy$
            CREATE POLICY tenant_isolation ON %I
                USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
                WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
            $policy$, tenant_table);
    END LOOP;
END
$$;

-- The sweeper and the mailer look across tenants for due rows, and only in a transaction that
-- names their job; the work itself then runs tenant-scoped.
CREATE POLICY expiry_scan ON intents FOR SELECT
    USING (current_setting('app.job', true) = 'intent-expiry' AND status = 'pending_approval');
CREATE POLICY delivery_scan ON outbox FOR SELECT
    USING (current_setting('app.job', true) = 'outbox-delivery' AND sent_at IS NULL);

GRANT SELECT, INSERT ON approvals TO writ_app;
GRANT SELECT, INSERT, UPDATE ON outbox TO writ_app;

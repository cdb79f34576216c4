-- Webhooks. The tenant's audit chain is their outbox: every change appends its events in its own
-- transaction, and a dispatcher turns the events after an endpoint's `scanned_seq` into
-- deliveries (one per endpoint and derived event type), advancing `scanned_seq` in the same
-- transaction. So no committed change is missed and none is delivered for a change that rolled
-- back, and the submission hot path does no work for webhooks at all.
CREATE TABLE webhook_endpoints (
    tenant_id             uuid        NOT NULL REFERENCES tenants (id),
    id                    uuid        NOT NULL,
    -- Where deliveries go; for Slack, whose URL is itself the credential, only its redacted form:
    -- the URL is in `url_sealed`, sealed under the master key like the secrets.
    url                   text        NOT NULL CHECK (length(url) BETWEEN 8 AND 2048),
    url_sealed            bytea,
    kind                  text        NOT NULL CHECK (kind IN ('standard', 'slack')),
    events                text[]      NOT NULL CHECK (cardinality(events) BETWEEN 1 AND 32),
    description           text        CHECK (length(description) <= 500),
    -- Ordered endpoints get their deliveries strictly one after another (a failing one holds the rest).
    ordered               boolean     NOT NULL DEFAULT false,
    -- Standard endpoints' secrets, sealed under the master key and bound to tenant and endpoint.
    secret_sealed         bytea,
    previous_secret_sealed bytea,
    previous_secret_until timestamptz,
    scanned_seq           bigint      NOT NULL CHECK (scanned_seq >= 0),
    failing_since         timestamptz,
    disabled_at           timestamptz,
    disabled_reason       text,
    created_by            uuid,
    created_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CHECK ((kind = 'standard') = (secret_sealed IS NOT NULL)),
    CHECK ((kind = 'slack') = (url_sealed IS NOT NULL))
);

CREATE TABLE webhook_deliveries (
    tenant_id       uuid        NOT NULL,
    id              uuid        NOT NULL,
    endpoint_id     uuid        NOT NULL,
    seq             bigint      NOT NULL,
    event_type      text        NOT NULL,
    -- The `webhook-id`: the same for every attempt and redelivery.
    message_id      text        NOT NULL,
    -- The exact bytes sent (and signed).
    payload         text        NOT NULL,
    status          text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz,
    leased_until    timestamptz,
    delivered_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, endpoint_id, seq, event_type),
    FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (tenant_id, endpoint_id, id);

CREATE TABLE webhook_attempts (
    tenant_id        uuid        NOT NULL,
    delivery_id      uuid        NOT NULL,
    attempt          integer     NOT NULL CHECK (attempt >= 1),
    started_at       timestamptz NOT NULL,
    duration_ms      integer,
    status_code      integer,
    error            text,
    response_excerpt text,
    PRIMARY KEY (tenant_id, delivery_id, attempt),
    FOREIGN KEY (tenant_id, delivery_id) REFERENCES webhook_deliveries (tenant_id, id) ON DELETE CASCADE
);

DO $$
DECLARE
    tenant_table text;
BEGIN
    FOREACH tenant_table IN ARRAY ARRAY['webhook_endpoints', 'webhook_deliveries', 'webhook_attempts'] LOOP
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

GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_endpoints, webhook_deliveries TO writ_app;
GRANT SELECT, INSERT ON webhook_attempts TO writ_app;

-- The dispatcher finds endpoints behind their chain and due deliveries across tenants as writ_job.
GRANT SELECT ON webhook_endpoints, webhook_deliveries TO writ_job;
CREATE POLICY dispatch_scan ON webhook_endpoints FOR SELECT TO writ_job USING (disabled_at IS NULL);
CREATE POLICY dispatch_scan ON webhook_deliveries FOR SELECT TO writ_job USING (status = 'pending');

-- Policies: the tenant default (policy_key = the tenant id, team_id NULL) and one per team
-- (policy_key = the team id). Every save is a new immutable version: writ_app may insert and read,
-- never update or delete.
CREATE TABLE policy_versions (
    tenant_id   uuid        NOT NULL REFERENCES tenants (id),
    policy_key  uuid        NOT NULL,
    team_id     uuid,
    version     integer     NOT NULL CHECK (version >= 1),
    document    text        NOT NULL,
    comment     text        CHECK (length(comment) <= 500),
    author_kind text        NOT NULL,
    author_id   text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, policy_key, version)
);
ALTER TABLE policy_versions ENABLE ROW LEVEL SECURITY;
ALTER TABLE policy_versions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON policy_versions
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
CREATE TRIGGER policy_versions_immutable BEFORE UPDATE OR DELETE ON policy_versions
    FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
GRANT SELECT, INSERT ON policy_versions TO writ_app;

-- Intents: what agents asked to do and how they were classified. The policy engine counts recent
-- intents for rate rules and replays them for backtests; the intents issue adds the workflow.
CREATE TABLE intents (
    tenant_id      uuid        NOT NULL REFERENCES tenants (id),
    id             uuid        NOT NULL,
    team_id        uuid        NOT NULL,
    agent_id       uuid,
    action         text        NOT NULL,
    resource       text        NOT NULL,
    params         text        NOT NULL DEFAULT '{}',
    target         text,
    justification  text,
    outcome        text        NOT NULL CHECK (outcome IN ('allow', 'deny')),
    tier           text        CHECK (tier IN ('T0', 'T1', 'T2', 'T3')),
    policy_key     uuid,
    policy_version integer,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX intents_agent_recent ON intents (tenant_id, agent_id, created_at);
CREATE INDEX intents_team_recent ON intents (tenant_id, team_id, created_at);
CREATE INDEX intents_recent ON intents (tenant_id, created_at, id);
ALTER TABLE intents ENABLE ROW LEVEL SECURITY;
ALTER TABLE intents FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON intents
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
GRANT SELECT, INSERT, UPDATE ON intents TO writ_app;

-- Identity: plans, users, sessions, teams, agents, API keys, invitations, TOTP recovery codes,
-- signing keys and the login throttle.
--
-- Every tenant table leads its keys with tenant_id and has forced row-level security keyed on
-- app.tenant_id. A few tables also admit a lookup by a secret the caller already holds (an email
-- at login, a token's hash): a second, SELECT-only policy matches exactly that one row, so the
-- lookup finds its tenant without any role able to list other tenants' rows.

CREATE TABLE plans (
    id                      text    PRIMARY KEY,
    max_active_agents       integer NOT NULL CHECK (max_active_agents > 0),
    max_intents_per_month   integer NOT NULL CHECK (max_intents_per_month > 0),
    api_requests_per_second integer NOT NULL CHECK (api_requests_per_second > 0),
    api_burst               integer NOT NULL CHECK (api_burst > 0)
);
INSERT INTO plans VALUES
    ('free', 5, 10000, 50, 100),
    ('team', 100, 1000000, 200, 400),
    ('enterprise', 100000, 100000000, 1000, 2000);
ALTER TABLE tenants DROP CONSTRAINT tenants_plan_check;
ALTER TABLE tenants ADD CONSTRAINT tenants_plan_fkey FOREIGN KEY (plan) REFERENCES plans (id);
GRANT SELECT ON plans TO writ_app;

CREATE TABLE users (
    tenant_id           uuid        NOT NULL REFERENCES tenants (id),
    id                  uuid        NOT NULL,
    email               text        NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    password_hash       text,
    roles               text[]      NOT NULL CHECK (roles <@ ARRAY['admin', 'operator', 'approver', 'board', 'auditor']),
    status              text        NOT NULL CHECK (status IN ('invited', 'active', 'removed')),
    totp_secret_sealed  bytea,
    totp_pending_sealed bytea,
    totp_last_step      bigint,
    password_changed_at timestamptz NOT NULL DEFAULT now(),
    created_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email)) WHERE status <> 'removed';

CREATE TABLE sessions (
    tenant_id    uuid        NOT NULL,
    id           uuid        NOT NULL,
    user_id      uuid        NOT NULL,
    token_hash   bytea       NOT NULL UNIQUE,
    csrf_hash    bytea       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE teams (
    tenant_id  uuid        NOT NULL REFERENCES tenants (id),
    id         uuid        NOT NULL,
    name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX teams_name_key ON teams (tenant_id, lower(name));

CREATE TABLE team_members (
    tenant_id uuid NOT NULL,
    team_id   uuid NOT NULL,
    user_id   uuid NOT NULL,
    PRIMARY KEY (tenant_id, team_id, user_id),
    FOREIGN KEY (tenant_id, team_id) REFERENCES teams (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE agents (
    tenant_id   uuid        NOT NULL,
    id          uuid        NOT NULL,
    team_id     uuid        NOT NULL,
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    owner_id    uuid,
    labels      jsonb       NOT NULL DEFAULT '{}',
    disabled_at timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, team_id) REFERENCES teams (tenant_id, id),
    FOREIGN KEY (tenant_id, owner_id) REFERENCES users (tenant_id, id)
);

CREATE TABLE api_keys (
    tenant_id    uuid        NOT NULL REFERENCES tenants (id),
    id           uuid        NOT NULL,
    agent_id     uuid,
    name         text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    prefix       text        NOT NULL,
    key_hash     bytea       NOT NULL UNIQUE,
    scopes       text[]      NOT NULL CHECK (scopes <@ ARRAY['intents', 'warrants', 'admin'] AND cardinality(scopes) > 0),
    expires_at   timestamptz,
    revoked_at   timestamptz,
    last_used_at timestamptz,
    created_by   uuid,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id)
);

CREATE TABLE invitations (
    tenant_id   uuid        NOT NULL,
    id          uuid        NOT NULL,
    user_id     uuid        NOT NULL,
    token_hash  bytea       NOT NULL UNIQUE,
    expires_at  timestamptz NOT NULL,
    accepted_at timestamptz,
    created_by  uuid,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE recovery_codes (
    tenant_id uuid        NOT NULL,
    user_id   uuid        NOT NULL,
    code_hash bytea       NOT NULL,
    used_at   timestamptz,
    PRIMARY KEY (tenant_id, user_id, code_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE signing_keys (
    tenant_id          uuid        NOT NULL REFERENCES tenants (id),
    kid                text        NOT NULL,
    public_key         bytea       NOT NULL CHECK (length(public_key) = 32),
    sealed_private_key bytea       NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    retired_at         timestamptz,
    PRIMARY KEY (tenant_id, kid)
);

-- Failed-login counters per account and per client address. Keys are HMACs, never raw emails or
-- addresses, and the table holds no tenant data, so it is not tenant-scoped.
CREATE TABLE auth_throttle (
    subject      text        PRIMARY KEY,
    failures     integer     NOT NULL,
    window_start timestamptz NOT NULL
);

DO $$
DECLARE
    tenant_table text;
BEGIN
    FOREACH tenant_table IN ARRAY ARRAY['users', 'sessions', 'teams', 'team_members', 'agents', 'api_keys',
                                        'invitations', 'recovery_codes', 'signing_keys'] LOOP
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

CREATE POLICY login_lookup ON users FOR SELECT
    USING (lower(email) = nullif(current_setting('app.lookup_email', true), ''));
CREATE POLICY token_lookup ON sessions FOR SELECT
    USING (token_hash = decode(nullif(current_setting('app.lookup_hash', true), ''), 'hex'));
CREATE POLICY token_lookup ON api_keys FOR SELECT
    USING (key_hash = decode(nullif(current_setting('app.lookup_hash', true), ''), 'hex'));
CREATE POLICY token_lookup ON invitations FOR SELECT
    USING (token_hash = decode(nullif(current_setting('app.lookup_hash', true), ''), 'hex'));

GRANT SELECT, INSERT, UPDATE ON users, sessions, teams, agents, api_keys, invitations, recovery_codes, signing_keys TO writ_app;
GRANT DELETE ON users, sessions, teams, team_members, invitations, recovery_codes TO writ_app;
GRANT SELECT, INSERT ON team_members TO writ_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON auth_throttle TO writ_app;

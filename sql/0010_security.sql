-- Security hardening: one login per person across organisations, throttle delays, who may never
-- approve an intent (recorded at submission), and mailed links whose tokens are derived at
-- delivery instead of stored.
--
-- Data moves below run while row-level security is not forced, so the owner sees every tenant's
-- rows; each table is forced again before the file ends.

-- 1. Accounts: one login (email + password) per person; `users` rows become memberships of one
--    tenant each. Accounts belong to no tenant: a session may see its own account
--    (app.account_id) and a sign-in may find one by email (app.lookup_email), nothing else.
CREATE TABLE accounts (
    id                  uuid        PRIMARY KEY,
    email               text        NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    password_hash       text        NOT NULL,
    password_changed_at timestamptz NOT NULL DEFAULT now(),
    created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX accounts_email_key ON accounts (lower(email));
ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;

ALTER TABLE users NO FORCE ROW LEVEL SECURITY;
ALTER TABLE users ADD COLUMN account_id uuid REFERENCES accounts (id);
INSERT INTO accounts (id, email, password_hash, password_changed_at, created_at)
    SELECT id, email, password_hash, password_changed_at, created_at FROM users
    WHERE status <> 'removed' AND password_hash IS NOT NULL;
UPDATE users SET account_id = id WHERE status <> 'removed' AND password_hash IS NOT NULL;
ALTER TABLE users DROP COLUMN password_hash;
ALTER TABLE users DROP COLUMN password_changed_at;
-- An address is unique within a tenant only: an invitation elsewhere reserves nothing.
DROP INDEX users_email_key;
CREATE UNIQUE INDEX users_tenant_email_key ON users (tenant_id, lower(email)) WHERE status <> 'removed';
CREATE UNIQUE INDEX users_tenant_account_key ON users (tenant_id, account_id) WHERE status <> 'removed';
CREATE INDEX users_account ON users (account_id) WHERE account_id IS NOT NULL;
ALTER TABLE users FORCE ROW LEVEL SECURITY;

ALTER TABLE accounts FORCE ROW LEVEL SECURITY;
CREATE POLICY account_self ON accounts
    USING (id = nullif(current_setting('app.account_id', true), '')::uuid)
    WITH CHECK (id = nullif(current_setting('app.account_id', true), '')::uuid);
CREATE POLICY login_lookup ON accounts FOR SELECT
    USING (lower(email) = nullif(current_setting('app.lookup_email', true), ''));
CREATE POLICY account_creation ON accounts FOR INSERT
    WITH CHECK (lower(email) = nullif(current_setting('app.lookup_email', true), ''));
GRANT SELECT, INSERT, UPDATE ON accounts TO writ_app;

-- The old sign-in lookup matched memberships by email in any tenant; sign-in now finds the
-- account, then its memberships by account id.
DROP POLICY login_lookup ON users;
CREATE POLICY membership_lookup ON users FOR SELECT
    USING (account_id = nullif(current_setting('app.account_id', true), '')::uuid);
CREATE POLICY membership_lookup ON tenants FOR SELECT
    USING (id IN (SELECT tenant_id FROM users
                  WHERE account_id = nullif(current_setting('app.account_id', true), '')::uuid AND status = 'active'));

-- 2. Throttling: an attempt is counted before the credential is checked, and may earn a delay.
ALTER TABLE auth_throttle ADD COLUMN blocked_until timestamptz;

-- 3. Separation of duties, fixed at submission: the agent's owner and the person behind the key
--    that submitted never approve the intent, whatever changes later.
ALTER TABLE intents NO FORCE ROW LEVEL SECURITY;
ALTER TABLE intents ADD COLUMN excluded_approvers uuid[] NOT NULL DEFAULT '{}';
UPDATE intents i SET excluded_approvers = array_remove(ARRAY[
        (SELECT a.owner_id FROM agents a WHERE a.tenant_id = i.tenant_id AND a.id = i.agent_id),
        (SELECT k.created_by FROM api_keys k WHERE k.tenant_id = i.tenant_id AND k.id = i.api_key_id)], NULL)
    WHERE i.status = 'pending_approval';
ALTER TABLE intents FORCE ROW LEVEL SECURITY;

-- 4. Mailed links: the outbox keeps a reference to the link, never the token; the mailer derives
--    the token from the reference under a key only the servers hold. Tokens written into bodies
--    before this migration are erased (those links keep working for whoever already got them).
ALTER TABLE outbox NO FORCE ROW LEVEL SECURITY;
ALTER TABLE outbox ADD COLUMN link_ref text;
UPDATE outbox SET body = regexp_replace(body, '#(wsb|wsi)_[A-Za-z0-9_-]+', '#(link withdrawn)', 'g')
    WHERE body ~ '#(wsb|wsi)_';
ALTER TABLE outbox FORCE ROW LEVEL SECURITY;

-- 5. Executors: a key with the warrants scope names the audiences (`aud`) whose warrants it may
--    redeem. Keys made before this have none and redeem nothing until replaced.
ALTER TABLE api_keys ADD COLUMN audiences text[] NOT NULL DEFAULT '{}' CHECK (cardinality(audiences) <= 20);

-- 6. Warrants at rest: the signature is sealed under the master key, so a stored warrant cannot be
--    presented to an executor. Signatures stored in clear before this are dropped (agents that
--    fetched them keep them; they expire within the hour).
ALTER TABLE warrants NO FORCE ROW LEVEL SECURITY;
ALTER TABLE warrants ADD COLUMN signature_sealed bytea;
UPDATE warrants SET token = regexp_replace(token, '\.[^.]*$', '.');
ALTER TABLE warrants FORCE ROW LEVEL SECURITY;

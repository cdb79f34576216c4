-- Personal, single-use approval links for T3 intents: one per board member and intent, stored
-- only as a keyed hash, expiring with the intent.
CREATE TABLE board_links (
    tenant_id  uuid        NOT NULL,
    intent_id  uuid        NOT NULL,
    user_id    uuid        NOT NULL,
    token_hash bytea       NOT NULL UNIQUE,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, intent_id, user_id),
    FOREIGN KEY (tenant_id, intent_id) REFERENCES intents (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
ALTER TABLE board_links ENABLE ROW LEVEL SECURITY;
ALTER TABLE board_links FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON board_links
    USING (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid)
    WITH CHECK (tenant_id = nullif(current_setting('app.tenant_id', true), '')::uuid);
CREATE POLICY token_lookup ON board_links FOR SELECT
    USING (token_hash = decode(nullif(current_setting('app.lookup_hash', true), ''), 'hex'));
GRANT SELECT, INSERT, UPDATE ON board_links TO writ_app;

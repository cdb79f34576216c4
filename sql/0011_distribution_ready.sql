-- Distribution-ready uniqueness: on a cluster distributed by tenant_id (Citus), a unique
-- constraint on a tenant table must include tenant_id. Token and key hashes are HMACs of 256-bit
-- secrets (or of unique link references), so uniqueness per tenant loses nothing; the lookup by
-- hash before any tenant is known keeps a plain index.
ALTER TABLE sessions DROP CONSTRAINT sessions_token_hash_key;
ALTER TABLE sessions ADD CONSTRAINT sessions_tenant_token_hash_key UNIQUE (tenant_id, token_hash);
CREATE INDEX sessions_token_hash ON sessions (token_hash);

ALTER TABLE api_keys DROP CONSTRAINT api_keys_key_hash_key;
ALTER TABLE api_keys ADD CONSTRAINT api_keys_tenant_key_hash_key UNIQUE (tenant_id, key_hash);
CREATE INDEX api_keys_key_hash ON api_keys (key_hash);

ALTER TABLE invitations DROP CONSTRAINT invitations_token_hash_key;
ALTER TABLE invitations ADD CONSTRAINT invitations_tenant_token_hash_key UNIQUE (tenant_id, token_hash);
CREATE INDEX invitations_token_hash ON invitations (token_hash);

ALTER TABLE board_links DROP CONSTRAINT board_links_token_hash_key;
ALTER TABLE board_links ADD CONSTRAINT board_links_tenant_token_hash_key UNIQUE (tenant_id, token_hash);
CREATE INDEX board_links_token_hash ON board_links (token_hash);

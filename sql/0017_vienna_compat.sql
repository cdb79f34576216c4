-- Vienna OS compatibility (docs/vienna-compatibility.md).
-- A key's request-signing secret (X-Vienna-Signature: hmac-sha256 over the body), sealed under the
-- master key like every other secret; keys made before this migration have none.
ALTER TABLE api_keys ADD COLUMN signing_secret_sealed bytea;
-- The last heartbeat an agent sent (POST /api/v1/agents/{id}/heartbeat).
ALTER TABLE agents ADD COLUMN last_seen_at timestamptz;

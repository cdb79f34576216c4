-- pgbench: the statements AuditLog.append sends, one append per transaction.
-- Variables: ntenants (1 = one hot tenant). Tenant n's id is md5('writ-bench-' || n)::uuid.
\set n random(1, :ntenants)
BEGIN;
SELECT set_config('app.tenant_id', md5('writ-bench-' || :n)::uuid::text, true);
SELECT seq + 1 AS next, quote_literal(hash) AS prev FROM writ.audit_heads
WHERE tenant_id = md5('writ-bench-' || :n)::uuid FOR UPDATE \gset
INSERT INTO writ.audit_events (tenant_id, seq, occurred_at, type, actor_kind, actor_id, subject_kind, subject_id, body, hash)
VALUES (md5('writ-bench-' || :n)::uuid, :next, now(), 'bench.append', 'writer', 'pgbench', NULL, NULL,
        '{"actor":{"id":"pgbench","kind":"writer"},"data":{},"prev":"' || :prev || '","seq":' || :next || '}',
        encode(sha256(convert_to(:prev || :next, 'UTF8')), 'hex'));
UPDATE writ.audit_heads SET seq = :next, hash = encode(sha256(convert_to(:prev || :next, 'UTF8')), 'hex')
WHERE tenant_id = md5('writ-bench-' || :n)::uuid;
COMMIT;

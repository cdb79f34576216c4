-- pgbench: the statements one T0 submission sends (IntentStore+Submission.swift), in the same two
-- pipelines. Differences, none of which favours Writ: the tenant, team and agent come from
-- writ.bench_keys by subselect (Writ has them cached); ids, the warrant and the events' hashes are
-- computed in SQL from a random number instead of in Swift (same sizes, same rows, same locks).
-- The chain head is locked in the first pipeline and written once, in the second (seq, hash and the
-- month's count together). With -D keyed=1 each intent carries an idempotency key, as the SDKs send.
-- Variables: first, last — the bench_keys lines to draw from; keyed — 0 or 1. (A colon right before a word is a pgbench
-- variable, so the JSON literals put a space after theirs.)
\set i random(:first, :last)
\set r random(1, 9000000000000000000)
\startpipeline
BEGIN;
SELECT set_config('app.tenant_id', (SELECT tenant FROM writ.bench_keys WHERE line = :i)::text, true);
INSERT INTO writ.intents (tenant_id, id, team_id, agent_id, action, resource, params, target, justification, outcome, tier,
                          policy_key, policy_version, status, decision, expires_at, api_key_id, idempotency_key, request_hash, created_at,
                          required_approvals, excluded_approvers, evaluation)
SELECT k.tenant, md5('i' || :r::text)::uuid, k.team, k.agent, 's3.objects.read', 'bench/' || :r::text, '{"n":' || :r::text || '}', NULL, NULL,
       'allow', 'T0', k.tenant, 1, 'approved',
       '{"approvals": null, "outcome": "allow", "rules": [{"id": "reads", "reason": "action s3.objects.read matches **.read"}], "tier": "T0", "warrant_ttl": 300}',
       NULL, md5('k' || :r::text)::uuid, CASE WHEN :keyed = 1 THEN 'sdk-' || :r::text END, md5(:r::text) || md5(:r::text), now(), NULL,
       '{}'::uuid[],
       '{"agent":{"labels":{},"name":"agent-1"},"base_version": null,"rate_counts":[]}'
FROM writ.bench_keys k
WHERE k.line = :i AND EXISTS (SELECT 1 FROM writ.agents a WHERE a.tenant_id = k.tenant AND a.id = k.agent AND a.disabled_at IS NULL);
INSERT INTO writ.warrants (tenant_id, jti, intent_id, kid, token, signature_sealed, expires_at)
SELECT k.tenant, 'jti' || :r::text, md5('i' || :r::text)::uuid, 'bench-kid', repeat('x', 600) || '.', decode(repeat('ab', 92), 'hex'), now() + interval '5 minutes'
FROM writ.bench_keys k
WHERE k.line = :i AND EXISTS (SELECT 1 FROM writ.intents i WHERE i.tenant_id = k.tenant AND i.id = md5('i' || :r::text)::uuid);
SELECT h.seq, h.hash, h.checkpoint_seq, h.checkpoint_at, coalesce(h.streams_until > now(), false) AS watched,
       CASE WHEN h.usage_month = date_trunc('month', now())::date THEN h.month_intents ELSE 0 END AS used,
       to_char(date_trunc('month', now()), 'YYYY-MM-DD') AS month, p.max_intents_per_month AS quota
FROM writ.audit_heads h JOIN writ.tenants t ON t.id = h.tenant_id JOIN writ.plans p ON p.id = t.plan
WHERE h.tenant_id = (SELECT tenant FROM writ.bench_keys WHERE line = :i) FOR UPDATE OF h;
\endpipeline
\startpipeline
INSERT INTO writ.audit_events (tenant_id, seq, occurred_at, type, actor_kind, actor_id, subject_kind, subject_id, body, hash)
SELECT h.tenant_id, h.seq + s, now(), 'intent.submitted', 'agent', md5('a' || :r::text), 'intent', md5('i' || :r::text), repeat('b', 520),
       encode(sha256(convert_to(h.hash || :r::text || s, 'UTF8')), 'hex')
FROM writ.audit_heads h, generate_series(1, 2) AS s
WHERE h.tenant_id = (SELECT tenant FROM writ.bench_keys WHERE line = :i);
UPDATE writ.audit_heads SET seq = seq + 2, hash = encode(sha256(convert_to(hash || :r::text || 2, 'UTF8')), 'hex'),
       month_intents = CASE WHEN usage_month = date_trunc('month', now())::date THEN month_intents + 1 ELSE 1 END,
       usage_month = date_trunc('month', now())::date
WHERE tenant_id = (SELECT tenant FROM writ.bench_keys WHERE line = :i);
COMMIT;
\endpipeline

-- pgbench: the floor — the least a durable T0 needs, in one transaction and one round trip: insert
-- the intent with its warrant, append one event, advance the chain head. Plain tables (no row-level
-- security, no other index than the primary keys), created by scripts/bench.d/hot_path.sh.
-- Variables: first, last — the bench_keys lines to draw from.
\set i random(:first, :last)
\set r random(1, 9000000000000000000)
\startpipeline
BEGIN;
INSERT INTO writ.floor_intents (tenant, id, action, resource, params, warrant)
SELECT k.tenant, md5('i' || :r::text)::uuid, 's3.objects.read', 'bench/' || :r::text, '{"n":' || :r::text || '}', repeat('x', 700)
FROM writ.bench_keys k WHERE k.line = :i;
WITH head AS (
    UPDATE writ.floor_heads SET seq = seq + 1, hash = md5(hash || :r::text)
    WHERE tenant = (SELECT tenant FROM writ.bench_keys WHERE line = :i) RETURNING tenant, seq, hash)
INSERT INTO writ.floor_events (tenant, seq, body, hash) SELECT tenant, seq, repeat('b', 520), hash FROM head;
COMMIT;
\endpipeline

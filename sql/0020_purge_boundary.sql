-- The purge boundary (audit_heads.purged_before) is where exports, streams, verification and
-- evidence packs start reading. Until now the serving role could move it freely, hiding recent
-- events that were still in the table. It now moves only through advance_audit_purge(), owned
-- by writ_owner, which refuses unless every event it passes over has been purged (the purge
-- trigger of 0019 allows that only past the plan's retention) and the newest audit.purged event
-- records exactly this move. The serving role keeps UPDATE on every other column of the head.
REVOKE UPDATE ON audit_heads FROM writ_app;
GRANT UPDATE (seq, hash, checkpoint_seq, checkpoint_at, usage_month, month_intents, streams_until) ON audit_heads TO writ_app;

CREATE FUNCTION advance_audit_purge(p_tenant uuid, p_before bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = writ, pg_temp AS $$
DECLARE
    head audit_heads%ROWTYPE;
    passed bigint;
    kept bigint;
    record_body text;
BEGIN
    -- Only inside the tenant's own transaction (row-level security sees nothing else anyway).
    IF p_tenant IS DISTINCT FROM nullif(current_setting('app.tenant_id', true), '')::uuid THEN
        RAISE EXCEPTION 'the purge boundary moves only inside its tenant''s transaction' USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO head FROM audit_heads WHERE tenant_id = p_tenant FOR UPDATE;
    IF NOT FOUND OR p_before IS NULL OR p_before <= head.purged_before OR p_before > head.seq THEN
        RAISE EXCEPTION 'the purge boundary only moves forward, within the chain' USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT count(*), count(body) INTO passed, kept FROM audit_events
    WHERE tenant_id = p_tenant AND seq >= head.purged_before AND seq < p_before;
    IF passed <> p_before - head.purged_before OR kept <> 0 THEN
        RAISE EXCEPTION 'the purge boundary passes only over purged events' USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT body INTO record_body FROM audit_events
    WHERE tenant_id = p_tenant AND type = 'audit.purged' AND seq >= p_before ORDER BY seq DESC LIMIT 1;
    IF record_body IS NULL
       OR (record_body::jsonb #>> '{data,from_seq}')::numeric IS DISTINCT FROM head.purged_before
       OR (record_body::jsonb #>> '{data,before_seq}')::numeric IS DISTINCT FROM p_before THEN
        RAISE EXCEPTION 'the purge boundary moves only with an audit.purged event recording the move' USING ERRCODE = 'insufficient_privilege';
    END IF;
    UPDATE audit_heads SET purged_before = p_before WHERE tenant_id = p_tenant;
END
$$;
REVOKE ALL ON FUNCTION advance_audit_purge(uuid, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION advance_audit_purge(uuid, bigint) TO writ_app;

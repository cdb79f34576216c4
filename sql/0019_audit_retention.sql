-- Audit retention per plan (docs/audit-format.md, "Retention and purge"). Past its plan's
-- retention an event's body is purged: the row keeps its seq, time, type and hash (and the
-- signed checkpoints stay), so the chain from the first retained event still links to the hash
-- before it, and a verifier reports "purged before seq N" rather than a break. Each purge is
-- itself an audit.purged event. NULL retention keeps events forever.
ALTER TABLE plans ADD COLUMN audit_retention_days integer CHECK (audit_retention_days > 0);
UPDATE plans SET audit_retention_days = CASE id WHEN 'free' THEN 90 WHEN 'team' THEN 400 END;

-- The first event whose body is kept; events before it have been purged.
ALTER TABLE audit_heads ADD COLUMN purged_before bigint NOT NULL DEFAULT 1 CHECK (purged_before >= 1);

ALTER TABLE audit_events ALTER COLUMN body DROP NOT NULL;

-- The one change an audit event admits: its body, actor id and subject id set to NULL, once it
-- is past its plan's retention. Everything else about the row, and every other change, is refused
-- as before. (Writ purges from the boundary on, without holes: a body missing after the boundary
-- is a gap every verifier reports.)
CREATE FUNCTION audit_events_purge_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    retention integer;
BEGIN
    SELECT p.audit_retention_days INTO retention FROM tenants t JOIN plans p ON p.id = t.plan WHERE t.id = OLD.tenant_id;
    IF OLD.body IS NOT NULL AND NEW.body IS NULL AND NEW.actor_id IS NULL AND NEW.subject_id IS NULL
       AND (NEW.tenant_id, NEW.seq, NEW.occurred_at, NEW.type, NEW.actor_kind, NEW.subject_kind, NEW.hash)
           IS NOT DISTINCT FROM (OLD.tenant_id, OLD.seq, OLD.occurred_at, OLD.type, OLD.actor_kind, OLD.subject_kind, OLD.hash)
       AND retention IS NOT NULL AND OLD.occurred_at < now() - make_interval(days => retention)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: only a body past its plan''s retention may be purged'
        USING ERRCODE = 'insufficient_privilege';
END
$$;
DROP TRIGGER audit_events_append_only ON audit_events;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
CREATE TRIGGER audit_events_purge_only BEFORE UPDATE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_purge_only();
GRANT UPDATE (body, actor_id, subject_id) ON audit_events TO writ_app;

-- A tenant's plan sets its retention, so the serving role may choose a new tenant's plan but never
-- change one (an operator does, as the owner): it keeps UPDATE of the name alone, which also lets
-- it lock the row (FOR NO KEY UPDATE) as the agent quota does.
REVOKE UPDATE ON tenants FROM writ_app;
GRANT UPDATE (name) ON tenants TO writ_app;

-- The retention job finds the tenants with events past their plan's retention as writ_job: it
-- sees each tenant's plan and the time of the first event it keeps, nothing else.
GRANT SELECT ON plans TO writ_job;
GRANT SELECT (id, plan) ON tenants TO writ_job;
CREATE POLICY retention_scan ON tenants FOR SELECT TO writ_job USING (true);
GRANT SELECT (tenant_id, seq, occurred_at) ON audit_events TO writ_job;
CREATE POLICY retention_scan ON audit_events FOR SELECT TO writ_job USING (true);

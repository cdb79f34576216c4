-- The monthly intent quota becomes a counter kept on the tenant's chain head, the row every
-- submission locks anyway to append its events: O(1) however many intents the month holds,
-- where the count(*) it replaces read every intent of the month on every submission.
ALTER TABLE audit_heads ADD COLUMN usage_month date;
ALTER TABLE audit_heads ADD COLUMN month_intents bigint NOT NULL DEFAULT 0 CHECK (month_intents >= 0);
UPDATE audit_heads h
SET usage_month = date_trunc('month', now())::date,
    month_intents = (SELECT count(*) FROM intents i WHERE i.tenant_id = h.tenant_id AND i.created_at >= date_trunc('month', now()));

-- The approval queue reads a tenant's pending intents oldest first; the expiry index spans every
-- tenant, so a tenant-leading one keeps the queue an index scan however busy the others are.
CREATE INDEX intents_pending_queue ON intents (tenant_id, created_at) WHERE status = 'pending_approval';

-- Background jobs find due rows across tenants as writ_job, a role writ_app takes only inside a
-- job's scan transaction (SET LOCAL ROLE). The policies that let a job see every tenant's due
-- rows apply to that role alone, so the serving role's queries carry one tenant predicate and
-- never an OR that turns an index scan into a BitmapOr over the tenant's rows. (writ_app could
-- already widen its view to due rows by setting app.job; it can now by taking the role: the same
-- trust, made visible to the planner.) Roles belong to the cluster: like 0001, this step runs as
-- the migrating role (which may create roles), then the file goes back to writ_owner.
RESET ROLE;
DO $$
BEGIN
    BEGIN
        CREATE ROLE writ_job NOLOGIN NOSUPERUSER NOBYPASSRLS;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
    IF NOT pg_has_role('writ_app', 'writ_job', 'MEMBER') THEN
        BEGIN
            GRANT writ_job TO writ_app;
        EXCEPTION WHEN unique_violation OR internal_error THEN NULL;  -- another database's migration won the race
        END;
    END IF;
    -- A policy `TO writ_job` applies to every role that inherits writ_job's privileges: writ_app
    -- must not inherit them (it still may SET ROLE writ_job). writ_app holds all its grants directly.
    IF (SELECT rolinherit FROM pg_roles WHERE rolname = 'writ_app') THEN
        BEGIN
            ALTER ROLE writ_app NOINHERIT;
        EXCEPTION WHEN internal_error THEN NULL;  -- "tuple concurrently updated": another migration did it
        END;
    END IF;
END
$$;
SET LOCAL ROLE writ_owner;
GRANT USAGE ON SCHEMA writ TO writ_job;
GRANT SELECT ON intents, outbox, audit_heads TO writ_job;

DROP POLICY expiry_scan ON intents;
CREATE POLICY expiry_scan ON intents FOR SELECT TO writ_job USING (status = 'pending_approval');
DROP POLICY delivery_scan ON outbox;
CREATE POLICY delivery_scan ON outbox FOR SELECT TO writ_job USING (sent_at IS NULL);
DROP POLICY checkpoint_scan ON audit_heads;
CREATE POLICY checkpoint_scan ON audit_heads FOR SELECT TO writ_job USING (true);

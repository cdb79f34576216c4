-- The monthly intent quota becomes a counter kept on the tenant's chain head, the row every
-- submission locks anyway to append its events: O(1) however many intents the month holds,
-- where the count(*) it replaces read every intent of the month on every submission.
ALTER TABLE audit_heads ADD COLUMN usage_month date;
ALTER TABLE audit_heads ADD COLUMN month_intents bigint NOT NULL DEFAULT 0 CHECK (month_intents >= 0);
UPDATE audit_heads h
SET usage_month = date_trunc('month', now())::date,
    month_intents = (SELECT count(*) FROM intents i WHERE i.tenant_id = h.tenant_id AND i.created_at >= date_trunc('month', now()));

-- Until when some node streams the tenant's events (GET /v1/events). Audit appends read it with the
-- chain head they lock anyway and send the audit.appended notice only while it lies ahead: tenants
-- nobody watches pay nothing for the event stream. Streams push it forward every 15 s.
ALTER TABLE audit_heads ADD COLUMN streams_until timestamptz;

-- The chain head is where every reader stops (exports, verification, the event stream) and what
-- every append continues from. The serving role writes it on every append, so the database holds
-- it to what an append can do (security review II): the head only moves forward, onto an event
-- that exists with exactly that hash; the checkpoint mark lies between 0 and the head; the numbers
-- stay far from the integer limits (no arithmetic on them can overflow).
ALTER TABLE audit_events ADD CONSTRAINT audit_events_seq_bound CHECK (seq <= 4611686018427387904);
ALTER TABLE audit_heads ADD CONSTRAINT audit_heads_seq_bound CHECK (seq <= 4611686018427387904);
ALTER TABLE audit_heads ADD CONSTRAINT audit_heads_checkpoint_bound CHECK (checkpoint_seq >= 0 AND checkpoint_seq <= seq);
ALTER TABLE audit_heads ADD CONSTRAINT audit_heads_month_intents_bound CHECK (month_intents <= 2147483647);

CREATE FUNCTION audit_heads_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.tenant_id IS DISTINCT FROM OLD.tenant_id THEN
        RAISE EXCEPTION 'a chain head belongs to its tenant' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NEW.seq < OLD.seq OR NEW.checkpoint_seq < OLD.checkpoint_seq THEN
        RAISE EXCEPTION 'the chain head only moves forward' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (NEW.seq, NEW.hash) IS DISTINCT FROM (OLD.seq, OLD.hash) AND NOT EXISTS (
        SELECT 1 FROM writ.audit_events WHERE tenant_id = NEW.tenant_id AND seq = NEW.seq AND hash = NEW.hash) THEN
        RAISE EXCEPTION 'the chain head must name an appended event and its hash' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_heads_forward_only BEFORE UPDATE ON audit_heads
    FOR EACH ROW EXECUTE FUNCTION audit_heads_forward_only();

-- Audit evidence packs (docs/audit-format.md, "Evidence packs"). What a submission's evaluation
-- saw besides the intent itself, so an examiner can re-evaluate its tier offline: the agent's
-- name and labels, the version of the tenant default the team policy extended, and the rate
-- counts. NULL for intents filed before this migration.
ALTER TABLE intents ADD COLUMN evaluation text;

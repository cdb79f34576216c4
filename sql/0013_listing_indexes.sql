-- Lists of one agent's or one team's intents are newest first by id (time-ordered UUIDv7s) and
-- page by id. The indexes on (…, created_at) could not give that order, so every page sorted all
-- of the agent's intents: a soak measured an agent-key listing at 28 ms over 2,261 intents and
-- growing with each. These read the page straight off the index, whatever the history holds.
CREATE INDEX intents_agent_newest ON intents (tenant_id, agent_id, id);
CREATE INDEX intents_team_newest ON intents (tenant_id, team_id, id);

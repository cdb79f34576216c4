-- A value sealed under the master key the first node started with. A node started with another
-- key (a restore with the wrong key, a typo) cannot open it and refuses to start, instead of
-- serving with every key, session and signing key silently unusable.
CREATE TABLE master_key_check (
    id         integer     PRIMARY KEY CHECK (id = 1),
    sealed     bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
GRANT SELECT, INSERT ON master_key_check TO writ_app;

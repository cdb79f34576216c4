-- The role split. writ_owner owns every object of the schema and is what migrations run as;
-- writ_app is the login role the server serves through: no superuser, no BYPASSRLS, and only the
-- privileges each later migration grants it table by table.
--
-- Roles belong to the whole cluster, so several databases may run this at the same moment: each
-- step tolerates having lost that race.
DO $$
BEGIN
    BEGIN
        CREATE ROLE writ_owner NOLOGIN NOSUPERUSER NOBYPASSRLS;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
    BEGIN
        CREATE ROLE writ_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
    -- The migrating role must be able to SET ROLE writ_owner for the migrations that follow.
    IF NOT pg_has_role(current_user, 'writ_owner', 'MEMBER') THEN
        BEGIN
            EXECUTE format('GRANT writ_owner TO %I', current_user);
        EXCEPTION WHEN unique_violation THEN NULL;
        END;
    END IF;
END
$$;

ALTER SCHEMA writ OWNER TO writ_owner;
REVOKE ALL ON SCHEMA writ FROM PUBLIC;
GRANT USAGE ON SCHEMA writ TO writ_app;
GRANT SELECT ON writ.schema_migrations TO writ_app;

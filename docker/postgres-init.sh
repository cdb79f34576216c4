#!/usr/bin/env bash
# Runs once, when the Postgres volume is first initialised: creates the serving role with a
# password so Writ can log in over TCP. Writ's first migration grants it what it needs.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -v app_password="$WRIT_APP_PASSWORD" <<'SQL'
CREATE ROLE writ_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE PASSWORD :'app_password';
SQL

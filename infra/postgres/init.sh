#!/usr/bin/env bash
# One PostgreSQL server, two databases, each owned by its own role: `prefect` (Prefect server's state) and
# `seamline` (briefs, drafts, reviews, tech packs). The official postgres image runs this once, when its data
# volume is empty (/docker-entrypoint-initdb.d); later password changes need ALTER ROLE ... PASSWORD.
# Passwords come from the environment (infra/.env) and are passed to psql as variables, never spliced into SQL.
set -euo pipefail
: "${PREFECT_DB_PASSWORD:?PREFECT_DB_PASSWORD is not set}"
: "${SEAMLINE_DB_PASSWORD:?SEAMLINE_DB_PASSWORD is not set}"

psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
    -v prefect_password="$PREFECT_DB_PASSWORD" -v seamline_password="$SEAMLINE_DB_PASSWORD" <<'SQL'
CREATE ROLE prefect LOGIN PASSWORD :'prefect_password';
CREATE ROLE seamline LOGIN PASSWORD :'seamline_password';
CREATE DATABASE prefect OWNER prefect;
CREATE DATABASE seamline OWNER seamline;
-- Each role reaches its own database only.
REVOKE CONNECT, TEMPORARY ON DATABASE prefect FROM PUBLIC;
REVOKE CONNECT, TEMPORARY ON DATABASE seamline FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE prefect TO prefect;
GRANT CONNECT, TEMPORARY ON DATABASE seamline TO seamline;
-- Prefect's migrations create pg_trgm (name search); made here as the superuser so they find it in place.
\connect prefect
CREATE EXTENSION IF NOT EXISTS pg_trgm;
SQL
echo "init: databases prefect and seamline created" >&2

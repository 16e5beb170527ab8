-- Once & Done on PostgreSQL: the warehouse's schema and its two roles (README, "Running it for
-- real (production)"). Run once, as a superuser, in the warehouse's database:
--
--   ONCE_AND_DONE_PIPELINES_PASSWORD=... ONCE_AND_DONE_DASHBOARD_PASSWORD=... \
--     psql -d warehouse -f deploy/postgresql/roles.sql
--
-- psql variables (-v name=value), each with its default:
--   schema     once_and_done           the warehouse's tables
--   pipelines  onceanddone_pipelines   owns the schema and its tables; `python -m pipelines`
--                                      creates the tables and loads the facts
--   dashboard  onceanddone_dashboard   the dashboard: reads everything, writes only what staff
--                                      edit (deploy/postgresql/grants.sql)
--   pipelines_password, dashboard_password: else read from the environment variables above,
--                                      which, unlike -v, no other user sees in `ps`.
-- Running it again changes nothing but the passwords.
--
-- Then, as the pipelines role: create the tables (any `python -m pipelines` command does, e.g.
-- `python -m pipelines refresh`) and run deploy/postgresql/grants.sql.

\set ON_ERROR_STOP on
\if :{?schema}
\else
  \set schema once_and_done
\endif
\if :{?pipelines}
\else
  \set pipelines onceanddone_pipelines
\endif
\if :{?dashboard}
\else
  \set dashboard onceanddone_dashboard
\endif
\if :{?pipelines_password}
\else
  \getenv pipelines_password ONCE_AND_DONE_PIPELINES_PASSWORD
\endif
\if :{?dashboard_password}
\else
  \getenv dashboard_password ONCE_AND_DONE_DASHBOARD_PASSWORD
\endif
\if :{?pipelines_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'no password for the pipelines role: set ONCE_AND_DONE_PIPELINES_PASSWORD or -v pipelines_password=...'; END $$;
\endif
\if :{?dashboard_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'no password for the dashboard role: set ONCE_AND_DONE_DASHBOARD_PASSWORD or -v dashboard_password=...'; END $$;
\endif

-- The passwords below must not reach the server's log, whatever log_statement says.
SET log_statement = 'none';
SET log_min_error_statement = 'panic';

BEGIN;
SELECT format('CREATE ROLE %I', :'pipelines')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'pipelines') \gexec
SELECT format('CREATE ROLE %I', :'dashboard')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'dashboard') \gexec
-- Neither role may create roles or databases, nor bypass row security: they log in, no more.
ALTER ROLE :"pipelines" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
  PASSWORD :'pipelines_password';
ALTER ROLE :"dashboard" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
  PASSWORD :'dashboard_password';

GRANT CONNECT ON DATABASE :"DBNAME" TO :"pipelines", :"dashboard";
-- Nobody creates in `public` (PostgreSQL 15's default; older servers let every role).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
CREATE SCHEMA IF NOT EXISTS :"schema" AUTHORIZATION :"pipelines";
ALTER SCHEMA :"schema" OWNER TO :"pipelines";
REVOKE ALL ON SCHEMA :"schema" FROM PUBLIC;
-- The dashboard may look in the schema, never create anything there.
GRANT USAGE ON SCHEMA :"schema" TO :"dashboard";
-- Both find the tables without a schema in WAREHOUSE_URL.
ALTER ROLE :"pipelines" IN DATABASE :"DBNAME" SET search_path = :"schema";
ALTER ROLE :"dashboard" IN DATABASE :"DBNAME" SET search_path = :"schema";
COMMIT;

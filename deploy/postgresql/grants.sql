-- What the dashboard's role may do in the warehouse: read every table, and write only the
-- tables staff edit from the dashboard (README, "Running it for real (production)"). Run as
-- the pipelines role, which owns the tables, once it has created them, and again after every
-- upgrade (a new version may add a table staff edit):
--
--   psql "host=db.council.internal dbname=warehouse user=onceanddone_pipelines" \
--     -f deploy/postgresql/grants.sql
--
-- psql variable: dashboard (default onceanddone_dashboard), as in roles.sql. The schema is the
-- pipelines role's own (the search_path roles.sql set). Running it again changes nothing.
--
-- Every grant below is a write the dashboard makes (data/edits.py, data/audit.py, and the
-- version counters that its edits move, data/versions.py); tests/deploy/test_postgres_roles.py
-- makes each as this role, and fails to write the facts, the load log, the quarantine and the
-- marts.

\set ON_ERROR_STOP on
\if :{?dashboard}
\else
  \set dashboard onceanddone_dashboard
\endif
SELECT current_schema() AS schema \gset
\if :{?schema}
\else
  DO $$ BEGIN RAISE EXCEPTION 'no schema in the search_path: run roles.sql first, as a superuser'; END $$;
\endif

BEGIN;
-- Reading: every table, and every table a later version creates.
GRANT SELECT ON ALL TABLES IN SCHEMA :"schema" TO :"dashboard";
ALTER DEFAULT PRIVILEGES IN SCHEMA :"schema" GRANT SELECT ON TABLES TO :"dashboard";

-- Settings, targets and the KPIs' owners: replaced row by row (delete, then insert).
GRANT INSERT, UPDATE, DELETE ON ref_settings, ref_kpi_targets, ref_kpi_owners TO :"dashboard";
-- Cost and carbon assumptions: their values edited, each change kept in the history.
GRANT UPDATE ON ref_channel_assumptions TO :"dashboard";
GRANT INSERT ON ref_assumption_changes TO :"dashboard";
-- SPC change points and commentary: recorded, then removed or approved (marked, never deleted).
GRANT INSERT, UPDATE ON ref_spc_change_points, ref_commentary TO :"dashboard";
-- Actions against complaint themes: recorded.
GRANT INSERT ON ref_complaint_actions TO :"dashboard";
-- The programme: the fields staff edit (data/edits.py, PROGRAMME_EDITS) and who last did;
-- titles, baselines and plans change only by file, through the pipelines.
GRANT UPDATE (owner, forecast_due_on, completed_on, status, rag_reason, edited_by, edited_at)
  ON fct_milestones TO :"dashboard";
GRANT UPDATE (owner, actual, edited_by, edited_at) ON fct_benefits TO :"dashboard";
GRANT UPDATE (owner, likelihood, impact, residual_likelihood, residual_impact, mitigation,
              review_on, status, edited_by, edited_at) ON fct_risks TO :"dashboard";
GRANT INSERT ON ref_programme_changes TO :"dashboard";
-- A risk re-scored on the page: its scores recorded for the trend.
GRANT INSERT ON fct_risk_scores TO :"dashboard";
-- The audit trail: appended as people look, download and edit; events older than the
-- retention setting are deleted as new ones are written.
GRANT INSERT, DELETE ON audit_events TO :"dashboard";
-- Each edit moves its part's version (an upsert, or the reference tables' triggers), so that
-- every running dashboard sees it.
GRANT INSERT, UPDATE ON warehouse_versions TO :"dashboard";
-- The ids of the rows it inserts.
SELECT format('GRANT USAGE ON SEQUENCE %s TO %I', pg_get_serial_sequence(t, c), :'dashboard')
  FROM (VALUES ('ref_assumption_changes', 'change_id'),
               ('ref_spc_change_points', 'change_point_id'),
               ('ref_commentary', 'commentary_id'),
               ('ref_complaint_actions', 'action_id'),
               ('ref_programme_changes', 'change_id'),
               ('fct_risk_scores', 'score_id'),
               ('audit_events', 'event_id')) AS inserted (t, c) \gexec
COMMIT;

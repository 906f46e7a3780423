-- The queue-table effect (issue 17), measured: dead entries of the old tasks_due_idx after
-- dispatches, against the dock_due claim. Run: psql -h 127.0.0.1 -U postgres -q -f bench/sql/due-queue-dead-entries.sql
-- (a scratch schema, dropped at the end; autovacuum is off for its tables so the entries stay).
DROP SCHEMA IF EXISTS sched17_deadidx CASCADE;
CREATE SCHEMA sched17_deadidx;
SET search_path = sched17_deadidx;
CREATE TABLE tasks (flight_id text PRIMARY KEY, gateway_sn text, state text, next_action_at bigint, pad text) WITH (autovacuum_enabled = off);
CREATE INDEX tasks_due_idx ON tasks (next_action_at) WHERE next_action_at IS NOT NULL;
CREATE TABLE dock_due (gateway_sn text PRIMARY KEY, due_at bigint NOT NULL) WITH (autovacuum_enabled = off);
CREATE INDEX dock_due_at_idx ON dock_due (due_at);
INSERT INTO tasks SELECT 'f'||i, 'D'||i, 'scheduled', 1000000 + i, repeat('x', 900) FROM generate_series(1, 10000) i;
INSERT INTO dock_due SELECT 'D'||i, 1000000 + i FROM generate_series(1, 10000) i;
ANALYZE;
\echo before dispatch: old due query
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) SELECT gateway_sn FROM tasks WHERE next_action_at <= 1005000 AND state IN ('scheduled','prepared') ORDER BY next_action_at LIMIT 200;
-- 5,000 dispatches, as the old scheduler wrote them: the due time moves to the reply deadline, then to null once done
UPDATE tasks SET state = 'preparing', next_action_at = 9000000 + substr(flight_id, 2)::int WHERE substr(flight_id, 2)::int <= 5000;
UPDATE tasks SET state = 'prepared', next_action_at = 2000000 + substr(flight_id, 2)::int WHERE substr(flight_id, 2)::int <= 5000;
\echo after 5,000 dispatches (no vacuum yet): old due query, first due task is #5001
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) SELECT gateway_sn FROM tasks WHERE next_action_at <= 1010000 AND state IN ('scheduled','prepared') ORDER BY next_action_at LIMIT 200;
UPDATE dock_due SET due_at = 9000000 + substr(gateway_sn, 2)::int WHERE substr(gateway_sn, 2)::int <= 5000;
UPDATE dock_due SET due_at = 2000000 + substr(gateway_sn, 2)::int WHERE substr(gateway_sn, 2)::int <= 5000;
\echo after 5,000 dispatches (no vacuum yet): dock_due claim
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF) SELECT gateway_sn FROM dock_due WHERE due_at <= 1010000 ORDER BY due_at LIMIT 200 FOR UPDATE SKIP LOCKED;
SELECT pg_size_pretty(pg_relation_size('tasks')) AS tasks_heap, pg_size_pretty(pg_relation_size('tasks_due_idx')) AS due_idx, pg_size_pretty(pg_relation_size('dock_due')) AS dock_due_heap, pg_size_pretty(pg_relation_size('dock_due_at_idx')) AS dock_due_idx;
DROP SCHEMA sched17_deadidx CASCADE;

import type { DataSource, EntityManager } from 'typeorm';
import {
  CommandRecord,
  HEADERS,
  OPEN_TASK_STATES,
  SCHEMA_VERSION,
  sqlTaskStateList,
  TaskEventRecord,
} from '@dock/contracts';
import { dockDueAfter } from '../../domain/dock-planner';
import type { Plan } from '../../domain/plan';
import type { Task, TaskTransition } from '../../domain/task';
import type { CommandDraft, TaskMutation } from '../../domain/task-mutation';
import {
  CommandCompletion,
  DueDock,
  MissionStore,
  MissionTx,
  PlanToExtend,
  StoredCommand,
  TaskQuery,
  VersionConflictError,
} from '../../application/ports';
import { DOCK_ORGANIZATION_SQL } from './pg-dock-organizations';
import { Row, TASK_COLUMNS, taskValues, toCommand, toPlan, toTask, toTransition } from './rows';

export interface OutboxTopics {
  commands: string;
  taskEvents: string;
}

export interface StoreSettings {
  topics: OutboxTopics;
  /** CommandRecord.timeoutMs: how long the gateway waits for the dock's services_reply. */
  commandTimeoutMs: number;
  requester: string;
}

const OPEN_STATES = sqlTaskStateList(OPEN_TASK_STATES);
/** Task columns whose values are JSON documents (taskValues gives them as JSON text). */
const JSON_COLUMNS: ReadonlySet<string> = new Set([
  'ready_conditions',
  'executable_conditions',
  'break_point',
  'simulate_mission',
  'progress',
  'file',
]);
/** The SQL type of each task column, for the batch update's jsonb_to_recordset. */
const COLUMN_TYPES: Record<(typeof TASK_COLUMNS)[number], string> = {
  flight_id: 'text',
  gateway_sn: 'text',
  wayline_id: 'text',
  name: 'text',
  creator: 'text',
  plan_id: 'uuid',
  resumed_from: 'text',
  task_type: 'smallint',
  execute_time: 'bigint',
  ready_conditions: 'jsonb',
  executable_conditions: 'jsonb',
  rth_altitude: 'integer',
  rth_mode: 'smallint',
  out_of_control_action: 'smallint',
  exit_wayline_when_rc_lost: 'smallint',
  break_point: 'jsonb',
  simulate_mission: 'jsonb',
  wayline_type: 'smallint',
  planned_at: 'bigint',
  state: 'text',
  version: 'integer',
  next_action_at: 'bigint',
  attempts: 'integer',
  pending_command_id: 'uuid',
  cancel_command_id: 'uuid',
  ready_at: 'bigint',
  result_code: 'integer',
  result_meaning: 'text',
  last_cause: 'text',
  progress: 'jsonb',
  file: 'jsonb',
  created_at: 'bigint',
  updated_at: 'bigint',
  organization_id: 'text',
};
const RECORD_TYPE = TASK_COLUMNS.map((column) => `${column} ${COLUMN_TYPES[column]}`).join(', ');
const COLUMN_LIST = TASK_COLUMNS.join(', ');
const PLACEHOLDERS = TASK_COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
/** What an update never changes: the key, the creation time, the organization (and the version, bumped). */
const FIXED: ReadonlySet<string> = new Set([
  'flight_id',
  'created_at',
  'version',
  'organization_id',
]);
/** SET list for an update: every column but the fixed ones. */
const UPDATABLE = TASK_COLUMNS.map((column, i) => ({ column, index: i + 1 })).filter(
  ({ column }) => !FIXED.has(column),
);

interface OutboxRow {
  topic: string;
  key: string;
  payload: unknown;
  headers: Record<string, string>;
  created_at: number;
}

class PgMissionTx implements MissionTx {
  constructor(
    private readonly manager: EntityManager,
    private readonly settings: StoreSettings,
  ) {}

  private query(sql: string, params: unknown[] = []): Promise<Row[]> {
    return this.manager.query(sql, params);
  }

  async getTask(flightId: string): Promise<Task | null> {
    const rows = await this.query('SELECT * FROM tasks WHERE flight_id = $1', [flightId]);
    return rows[0] ? toTask(rows[0]) : null;
  }

  async getTasks(flightIds: readonly string[]): Promise<Task[]> {
    const rows = await this.query('SELECT * FROM tasks WHERE flight_id = ANY($1)', [flightIds]);
    return rows.map(toTask);
  }

  async insertTask(mutation: TaskMutation): Promise<boolean> {
    const { task } = mutation;
    await this.ensureDock(task.gatewaySn, task.createdAt);
    await this.bringDueForward(mutation);
    const inserted = await this.query(
      `INSERT INTO tasks (${COLUMN_LIST}) VALUES (${PLACEHOLDERS}) ON CONFLICT DO NOTHING RETURNING flight_id`,
      taskValues(task),
    );
    if (inserted.length === 0) return false;
    await this.writeConsequences(mutation, task.version);
    return true;
  }

  async saveTask(mutation: TaskMutation): Promise<Task> {
    const { task } = mutation;
    await this.bringDueForward(mutation);
    const values = taskValues(task);
    // $1 the key, $2 the version read; then the updatable columns.
    const sets = UPDATABLE.map(({ column }, i) => `${column} = $${i + 3}`).join(', ');
    const updated = await this.query(
      `UPDATE tasks SET ${sets}, version = version + 1
       WHERE flight_id = $1 AND version = $2 RETURNING version`,
      [task.flightId, task.version, ...UPDATABLE.map(({ index }) => values[index - 1])],
    );
    // TypeORM returns [rows, count] for UPDATE ... RETURNING on postgres.
    const rows = (Array.isArray(updated[0]) ? updated[0] : updated) as Row[];
    if (rows.length === 0) throw new VersionConflictError('task', task.flightId);
    const saved: Task = { ...task, version: task.version + 1 };
    await this.writeConsequences(mutation, saved.version);
    return saved;
  }

  /**
   * A change outside the scheduler (a new task, a dock's answer, an operator) may give the dock
   * work: its due time comes forward to the task's next action, or to now when the task leaves
   * the dock free. Written before the task row, so that every writer takes the dock's row lock
   * first, as the scheduler's claim does (one lock order: no deadlock between them).
   */
  private async bringDueForward(mutation: TaskMutation): Promise<void> {
    const { task } = mutation;
    const dueAt = dockDueAfter(mutation);
    if (dueAt === null) return;
    await this.query(
      `INSERT INTO dock_due (gateway_sn, due_at) VALUES ($1, $2)
       ON CONFLICT (gateway_sn) DO UPDATE SET due_at = LEAST(dock_due.due_at, EXCLUDED.due_at)`,
      [task.gatewaySn, dueAt],
    );
  }

  /** History, task event and commands of a change, in the change's transaction. */
  private writeConsequences(mutation: TaskMutation, version: number): Promise<void> {
    return this.writeBatchConsequences([{ mutation, version }]);
  }

  /** History, task events, commands and outbox records of a batch: one INSERT per table. */
  private async writeBatchConsequences(
    changes: readonly { mutation: TaskMutation; version: number }[],
  ): Promise<void> {
    const transitions: Row[] = [];
    const commands: { command: CommandDraft; at: number; organizationId: string }[] = [];
    const outbox: OutboxRow[] = [];
    for (const { mutation, version } of changes) {
      const { task, transition } = mutation;
      if (transition) {
        transitions.push({
          flight_id: task.flightId,
          from_state: transition.from,
          to_state: transition.to,
          cause: transition.cause,
          result_code: transition.resultCode,
          result_meaning: transition.resultMeaning,
          version,
          at: transition.at,
        });
      }
      if (mutation.publish) {
        const event: TaskEventRecord = {
          schemaVersion: SCHEMA_VERSION as 1,
          flightId: task.flightId,
          organizationId: task.organizationId,
          gatewaySn: task.gatewaySn,
          waylineId: task.waylineId,
          taskType: task.spec.taskType,
          state: task.state,
          previousState: transition ? transition.from : task.state,
          cause: transition?.cause ?? task.lastCause,
          resultCode: task.resultCode,
          resultMeaning: task.resultMeaning,
          version,
          at: task.updatedAt,
        };
        outbox.push({
          topic: this.settings.topics.taskEvents,
          key: task.gatewaySn,
          payload: event,
          headers: {},
          created_at: task.updatedAt,
        });
      }
      for (const command of mutation.commands) {
        commands.push({ command, at: task.updatedAt, organizationId: task.organizationId });
        outbox.push(this.commandOutboxRow(command, task.updatedAt));
      }
    }
    if (transitions.length > 0) {
      await this.query(
        `INSERT INTO task_transitions
           (flight_id, from_state, to_state, cause, result_code, result_meaning, version, at)
         SELECT flight_id, from_state, to_state, cause, result_code, result_meaning, version, at
         FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (flight_id text, from_state text,
           to_state text, cause text, result_code integer, result_meaning text, version integer,
           at bigint)) WITH ORDINALITY AS x(flight_id, from_state, to_state, cause, result_code,
           result_meaning, version, at, ord)
         ORDER BY ord`,
        [JSON.stringify(transitions)],
      );
    }
    if (commands.length > 0) {
      await this.insertCommandRows(commands);
    }
    await this.insertOutbox(outbox);
  }

  async insertCommand(command: CommandDraft, at: number, organizationId: string): Promise<void> {
    await this.insertCommandRows([{ command, at, organizationId }]);
    await this.insertOutbox([this.commandOutboxRow(command, at)]);
  }

  private async insertCommandRows(
    commands: readonly { command: CommandDraft; at: number; organizationId: string }[],
  ): Promise<void> {
    const rows = commands.map(({ command, at, organizationId }) => ({
      id: command.id,
      gateway_sn: command.gatewaySn,
      method: command.method,
      flight_ids: command.flightIds,
      bid: command.bid,
      data: command.data ?? null,
      attempt: command.attempt,
      requested_at: at,
      organization_id: organizationId,
    }));
    await this.query(
      `INSERT INTO commands (id, gateway_sn, method, flight_ids, bid, data, attempt, state, requested_at, organization_id)
       SELECT id, gateway_sn, method, ARRAY(SELECT jsonb_array_elements_text(flight_ids)), bid,
         data, attempt, 'pending', requested_at, organization_id
       FROM jsonb_to_recordset($1::jsonb) AS x(id uuid, gateway_sn text, method text,
         flight_ids jsonb, bid text, data jsonb, attempt integer, requested_at bigint,
         organization_id text)`,
      [JSON.stringify(rows)],
    );
  }

  private commandOutboxRow(command: CommandDraft, at: number): OutboxRow {
    const record: CommandRecord = {
      schemaVersion: SCHEMA_VERSION as 1,
      correlationId: command.id,
      gatewaySn: command.gatewaySn,
      method: command.method,
      bid: command.bid,
      data: command.data,
      requestedAt: at,
      timeoutMs: this.settings.commandTimeoutMs,
      requester: this.settings.requester,
    };
    return {
      topic: this.settings.topics.commands,
      key: command.gatewaySn,
      payload: record,
      headers: { [HEADERS.method]: command.method, [HEADERS.bid]: command.bid },
      created_at: at,
    };
  }

  /** Outbox records in the order given (the relay sends them in id order). */
  private async insertOutbox(rows: readonly OutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.query(
      `INSERT INTO outbox (topic, key, payload, headers, created_at)
       SELECT topic, key, payload, headers, created_at
       FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (topic text, key text, payload jsonb,
         headers jsonb, created_at bigint)) WITH ORDINALITY AS x(topic, key, payload, headers,
         created_at, ord)
       ORDER BY ord`,
      [JSON.stringify(rows)],
    );
  }

  async completeCommand(id: string, completion: CommandCompletion): Promise<StoredCommand | null> {
    const result = await this.query(
      `UPDATE commands SET state = $2, result_code = $3, result_meaning = $4, error = $5, completed_at = $6
       WHERE id = $1 AND state = 'pending' RETURNING *`,
      [
        id,
        completion.state,
        completion.resultCode,
        completion.resultMeaning,
        completion.error,
        completion.at,
      ],
    );
    const rows = (Array.isArray(result[0]) ? result[0] : result) as Row[];
    return rows[0] ? toCommand(rows[0]) : null;
  }

  async completeCommands(
    completions: readonly { id: string; completion: CommandCompletion }[],
  ): Promise<StoredCommand[]> {
    if (completions.length === 0) return [];
    const rows = completions.map(({ id, completion }) => ({
      id,
      state: completion.state,
      result_code: completion.resultCode,
      result_meaning: completion.resultMeaning,
      error: completion.error,
      completed_at: completion.at,
    }));
    const result = await this.query(
      `UPDATE commands c SET state = v.state, result_code = v.result_code,
         result_meaning = v.result_meaning, error = v.error, completed_at = v.completed_at
       FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, state text, result_code integer,
         result_meaning text, error text, completed_at bigint)
       WHERE c.id = v.id AND c.state = 'pending'
       RETURNING c.*`,
      [JSON.stringify(rows)],
    );
    const updated = (Array.isArray(result[0]) ? result[0] : result) as Row[];
    return updated.map(toCommand);
  }

  async saveChanges(mutations: readonly TaskMutation[]): Promise<void> {
    if (mutations.length === 0) return;
    // The docks' due times first, in SN order: the lock order of every writer and the claim.
    const due = new Map<string, number>();
    for (const mutation of mutations) {
      const at = dockDueAfter(mutation);
      if (at === null) continue;
      const sn = mutation.task.gatewaySn;
      due.set(sn, Math.min(due.get(sn) ?? Infinity, at));
    }
    if (due.size > 0) {
      const docks = [...due.keys()].sort();
      await this.query(
        `INSERT INTO dock_due (gateway_sn, due_at)
         SELECT * FROM unnest($1::text[], $2::bigint[]) ORDER BY 1
         ON CONFLICT (gateway_sn) DO UPDATE SET due_at = LEAST(dock_due.due_at, EXCLUDED.due_at)`,
        [docks, docks.map((sn) => due.get(sn))],
      );
    }
    await this.saveTasks(mutations);
  }

  async claimDueDocks(now: number, limit: number, only?: readonly string[]): Promise<DueDock[]> {
    // One statement: the due docks in due order, locked (SKIP LOCKED: a dock another replica
    // holds is left to it), with their open tasks. dock_due is small (a row per dock with
    // work) and its rows are short, so the scan reads what is due and little else.
    const rows = await this.query(
      `WITH claimed AS (
         SELECT gateway_sn, due_at FROM dock_due
         WHERE due_at <= $1 AND ($3::text[] IS NULL OR gateway_sn = ANY($3::text[]))
         ORDER BY due_at
         LIMIT $2
         FOR UPDATE SKIP LOCKED
       )
       SELECT c.gateway_sn AS claimed_sn, t.*
       FROM claimed c
       LEFT JOIN tasks t ON t.gateway_sn = c.gateway_sn AND t.state IN ${OPEN_STATES}
       ORDER BY c.due_at, c.gateway_sn, t.seq`,
      [now, limit, only ? [...only] : null],
    );
    const docks = new Map<string, DueDock>();
    for (const row of rows) {
      const sn = row.claimed_sn as string;
      let dock = docks.get(sn);
      if (!dock) {
        dock = { gatewaySn: sn, tasks: [] };
        docks.set(sn, dock);
      }
      if (row.flight_id !== null && row.flight_id !== undefined) dock.tasks.push(toTask(row));
    }
    return [...docks.values()];
  }

  async saveTasks(mutations: readonly TaskMutation[]): Promise<void> {
    if (mutations.length === 0) return;
    const records = mutations.map(({ task }) => {
      const values = taskValues(task);
      const record: Row = {};
      TASK_COLUMNS.forEach((column, i) => {
        const value = values[i];
        if (value === null || value === undefined) return; // absent: NULL
        record[column] = JSON_COLUMNS.has(column) ? JSON.parse(value as string) : value;
      });
      return record;
    });
    const sets = UPDATABLE.map(({ column }) => `${column} = v.${column}`).join(', ');
    const result = await this.query(
      `UPDATE tasks t SET ${sets}, version = t.version + 1
       FROM jsonb_to_recordset($1::jsonb) AS v(${RECORD_TYPE})
       WHERE t.flight_id = v.flight_id AND t.version = v.version
       RETURNING t.flight_id`,
      [JSON.stringify(records)],
    );
    const updated = (Array.isArray(result[0]) ? result[0] : result) as Row[];
    if (updated.length !== mutations.length) {
      const done = new Set(updated.map((row) => row.flight_id as string));
      const stale = mutations.find((m) => !done.has(m.task.flightId));
      throw new VersionConflictError('task', stale?.task.flightId ?? '?');
    }
    await this.writeBatchConsequences(
      mutations.map((mutation) => ({ mutation, version: mutation.task.version + 1 })),
    );
  }

  async setDockDue(docks: readonly { gatewaySn: string; dueAt: number | null }[]): Promise<void> {
    const later = docks.filter((d) => d.dueAt !== null);
    const done = docks.filter((d) => d.dueAt === null).map((d) => d.gatewaySn);
    if (later.length > 0) {
      await this.query(
        `UPDATE dock_due d SET due_at = v.due_at
         FROM unnest($1::text[], $2::bigint[]) AS v(gateway_sn, due_at)
         WHERE d.gateway_sn = v.gateway_sn`,
        [later.map((d) => d.gatewaySn), later.map((d) => d.dueAt)],
      );
    }
    if (done.length > 0) {
      await this.query('DELETE FROM dock_due WHERE gateway_sn = ANY($1::text[])', [done]);
    }
  }

  async lockPlansToExtend(until: number, limit: number): Promise<PlanToExtend[]> {
    // A plan whose dock left its organization is taken however far it is generated: its
    // generation round is where it is suspended.
    const rows = await this.query(
      `SELECT p.*, ${DOCK_ORGANIZATION_SQL} AS dock_organization_id
       FROM plans p LEFT JOIN dock_organizations d ON d.gateway_sn = p.gateway_sn
       WHERE p.state = 'active'
         AND (p.generated_until < LEAST(p.ends_at, $1)
           OR ${DOCK_ORGANIZATION_SQL} IS DISTINCT FROM p.organization_id)
       ORDER BY p.generated_until LIMIT $2 FOR UPDATE OF p SKIP LOCKED`,
      [until, limit],
    );
    return rows.map((row) => ({
      plan: toPlan(row),
      dockOrganizationId: (row.dock_organization_id as string | null) ?? null,
    }));
  }

  async getPlan(id: string, lock: boolean): Promise<Plan | null> {
    const rows = await this.query(`SELECT * FROM plans WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [
      id,
    ]);
    return rows[0] ? toPlan(rows[0]) : null;
  }

  async insertPlan(plan: Plan): Promise<void> {
    await this.ensureDock(plan.gatewaySn, plan.createdAt);
    await this.query(
      `INSERT INTO plans (id, name, creator, gateway_sn, wayline_id, cron, time_zone, starts_at,
         ends_at, template, state, generated_until, version, created_at, updated_at, organization_id,
         state_reason)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
      [
        plan.id,
        plan.name,
        plan.creator,
        plan.gatewaySn,
        plan.waylineId,
        plan.recurrence.cron,
        plan.recurrence.timeZone,
        plan.startsAt,
        plan.endsAt,
        JSON.stringify(plan.template),
        plan.state,
        plan.generatedUntil,
        plan.version,
        plan.createdAt,
        plan.updatedAt,
        plan.organizationId,
        plan.stateReason,
      ],
    );
  }

  async savePlan(plan: Plan): Promise<Plan> {
    const result = await this.query(
      `UPDATE plans SET state = $2, generated_until = $3, updated_at = $4, state_reason = $6,
         version = version + 1
       WHERE id = $1 AND version = $5 RETURNING version`,
      [plan.id, plan.state, plan.generatedUntil, plan.updatedAt, plan.version, plan.stateReason],
    );
    const rows = (Array.isArray(result[0]) ? result[0] : result) as Row[];
    if (rows.length === 0) throw new VersionConflictError('plan', plan.id);
    return { ...plan, version: plan.version + 1 };
  }

  async openTasksOfPlan(planId: string): Promise<Task[]> {
    const rows = await this.query(
      `SELECT * FROM tasks WHERE plan_id = $1 AND state IN ${OPEN_STATES}`,
      [planId],
    );
    return rows.map(toTask);
  }

  private async ensureDock(gatewaySn: string, at: number): Promise<void> {
    await this.query(
      'INSERT INTO docks (gateway_sn, created_at) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [gatewaySn, at],
    );
  }
}

/** The mission service's PostgreSQL store (see migrations for the tables). */
export class PgMissionStore implements MissionStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settings: StoreSettings,
  ) {}

  transaction<T>(work: (tx: MissionTx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction((manager) => work(new PgMissionTx(manager, this.settings)));
  }

  private query(sql: string, params: unknown[] = []): Promise<Row[]> {
    return this.dataSource.query(sql, params);
  }

  async nextDueAt(): Promise<number | null> {
    const [row] = await this.query('SELECT min(due_at) AS due_at FROM dock_due');
    return row?.due_at === null || row?.due_at === undefined ? null : Number(row.due_at);
  }

  async findTask(flightId: string, organizationId: string): Promise<Task | null> {
    const rows = await this.query(
      'SELECT * FROM tasks WHERE flight_id = $1 AND organization_id = $2',
      [flightId, organizationId],
    );
    return rows[0] ? toTask(rows[0]) : null;
  }

  async listTasks(query: TaskQuery): Promise<{ items: Task[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    add('organization_id = ?', query.organizationId);
    if (query.gatewaySn !== undefined) add('gateway_sn = ?', query.gatewaySn);
    if (query.states?.length) add('state = ANY(?)', query.states);
    if (query.planId !== undefined) add('plan_id = ?', query.planId);
    if (query.from !== undefined) add('planned_at >= ?', query.from);
    if (query.to !== undefined) add('planned_at <= ?', query.to);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [count] = await this.query(`SELECT count(*)::int AS total FROM tasks ${clause}`, params);
    const rows = await this.query(
      `SELECT * FROM tasks ${clause} ORDER BY planned_at DESC, created_at DESC, flight_id
       LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, query.limit, query.offset],
    );
    return { items: rows.map(toTask), total: Number(count.total) };
  }

  async history(flightId: string): Promise<TaskTransition[]> {
    const rows = await this.query(
      'SELECT * FROM task_transitions WHERE flight_id = $1 ORDER BY id',
      [flightId],
    );
    return rows.map(toTransition);
  }

  async findCommand(id: string, organizationId: string): Promise<StoredCommand | null> {
    const rows = await this.query('SELECT * FROM commands WHERE id = $1 AND organization_id = $2', [
      id,
      organizationId,
    ]);
    return rows[0] ? toCommand(rows[0]) : null;
  }

  async findPlan(id: string, organizationId: string): Promise<Plan | null> {
    const rows = await this.query('SELECT * FROM plans WHERE id = $1 AND organization_id = $2', [
      id,
      organizationId,
    ]);
    return rows[0] ? toPlan(rows[0]) : null;
  }

  async listPlans(
    organizationId: string,
    limit: number,
    offset: number,
  ): Promise<{ items: Plan[]; total: number }> {
    const [count] = await this.query(
      `SELECT count(*)::int AS total FROM plans WHERE organization_id = $1 AND state <> 'deleted'`,
      [organizationId],
    );
    const rows = await this.query(
      `SELECT * FROM plans WHERE organization_id = $1 AND state <> 'deleted'
       ORDER BY created_at DESC, id LIMIT $2 OFFSET $3`,
      [organizationId, limit, offset],
    );
    return { items: rows.map(toPlan), total: Number(count.total) };
  }
}

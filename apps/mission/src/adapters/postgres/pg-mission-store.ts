import type { DataSource, EntityManager } from 'typeorm';
import {
  CommandRecord,
  HEADERS,
  OPEN_TASK_STATES,
  SCHEMA_VERSION,
  sqlTaskStateList,
  STARTED_TASK_STATES,
  TaskEventRecord,
} from '@dock/contracts';
import type { Plan } from '../../domain/plan';
import type { Task, TaskTransition } from '../../domain/task';
import type { CommandDraft, TaskMutation } from '../../domain/task-mutation';
import {
  CommandCompletion,
  MissionStore,
  MissionTx,
  StoredCommand,
  TaskQuery,
  VersionConflictError,
} from '../../application/ports';
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
/** Written as tasks_in_flight_idx's predicate is, so PostgreSQL uses the index. */
const STARTED_STATES = sqlTaskStateList(STARTED_TASK_STATES);
/** lockDueDocks looks at this many due tasks per dock wanted (and at least DUE_WINDOW_MIN). */
const DUE_WINDOW_FACTOR = 8;
const DUE_WINDOW_MIN = 64;
const COLUMN_LIST = TASK_COLUMNS.join(', ');
const PLACEHOLDERS = TASK_COLUMNS.map((_, i) => `$${i + 1}`).join(', ');
/** What an update never changes: the key, the creation time, the organization (and the version, bumped). */
const FIXED: ReadonlySet<string> = new Set(['flight_id', 'created_at', 'version', 'organization_id']);
/** SET list for an update: every column but the fixed ones. */
const UPDATABLE = TASK_COLUMNS.map((column, i) => ({ column, index: i + 1 })).filter(
  ({ column }) => !FIXED.has(column),
);

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

  /** History, task event and commands of a change, in the change's transaction. */
  private async writeConsequences(mutation: TaskMutation, version: number): Promise<void> {
    const { task, transition } = mutation;
    if (transition) {
      await this.query(
        `INSERT INTO task_transitions
           (flight_id, from_state, to_state, cause, result_code, result_meaning, version, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          task.flightId,
          transition.from,
          transition.to,
          transition.cause,
          transition.resultCode,
          transition.resultMeaning,
          version,
          transition.at,
        ],
      );
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
      await this.outbox(this.settings.topics.taskEvents, task.gatewaySn, event, {}, task.updatedAt);
    }
    for (const command of mutation.commands) {
      await this.insertCommand(command, task.updatedAt, task.organizationId);
    }
  }

  async insertCommand(command: CommandDraft, at: number, organizationId: string): Promise<void> {
    await this.query(
      `INSERT INTO commands (id, gateway_sn, method, flight_ids, bid, data, attempt, state, requested_at, organization_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $9)`,
      [
        command.id,
        command.gatewaySn,
        command.method,
        command.flightIds,
        command.bid,
        JSON.stringify(command.data),
        command.attempt,
        at,
        organizationId,
      ],
    );
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
    await this.outbox(
      this.settings.topics.commands,
      command.gatewaySn,
      record,
      { [HEADERS.method]: command.method, [HEADERS.bid]: command.bid },
      at,
    );
  }

  private async outbox(
    topic: string,
    key: string,
    payload: unknown,
    headers: Record<string, string>,
    at: number,
  ): Promise<void> {
    await this.query(
      'INSERT INTO outbox (topic, key, payload, headers, created_at) VALUES ($1, $2, $3, $4, $5)',
      [topic, key, JSON.stringify(payload), JSON.stringify(headers), at],
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

  async lockDueDocks(
    now: number,
    limit: number,
    exclude: readonly string[],
    silentBefore: number | null,
  ): Promise<string[]> {
    // Candidates come from the due tasks in due order (tasks_due_idx), not from a walk over all
    // docks: the cost no longer grows with the fleet, and the longest-waiting dock goes first.
    // The window is wider than `limit` so that docks another replica holds (skipped) or that
    // have several due tasks do not leave us empty-handed.
    const window = Math.max(limit * DUE_WINDOW_FACTOR, DUE_WINDOW_MIN);
    // Docks whose started task went silent come first, longest silent first. Such a task has
    // no next_action_at (the dock drives it); tasks_in_flight_idx holds the started tasks only
    // (about one per dock), so when none is silent this reads next to nothing.
    const silent =
      silentBefore === null
        ? []
        : await this.query(
            `SELECT gateway_sn FROM tasks
             WHERE state IN ${STARTED_STATES} AND updated_at < $1 AND gateway_sn <> ALL($2)
             ORDER BY updated_at
             LIMIT $3`,
            [silentBefore, exclude, window],
          );
    const due = await this.query(
      `SELECT gateway_sn FROM tasks
       WHERE next_action_at <= $1 AND state IN ${OPEN_STATES} AND gateway_sn <> ALL($2)
       ORDER BY next_action_at
       LIMIT $3`,
      [now, exclude, window],
    );
    const candidates = [...new Set([...silent, ...due].map((row) => row.gateway_sn as string))];
    if (candidates.length === 0) return [];
    const rows = await this.query(
      `SELECT gateway_sn FROM docks WHERE gateway_sn = ANY($1::text[])
       ORDER BY array_position($1::text[], gateway_sn)
       LIMIT $2
       FOR UPDATE SKIP LOCKED`,
      [candidates, limit],
    );
    return rows.map((row) => row.gateway_sn as string);
  }

  async openTasksOfDock(gatewaySn: string): Promise<Task[]> {
    const rows = await this.query(
      `SELECT * FROM tasks WHERE gateway_sn = $1 AND state IN ${OPEN_STATES} ORDER BY seq`,
      [gatewaySn],
    );
    return rows.map(toTask);
  }

  async lockPlansToExtend(until: number, limit: number): Promise<Plan[]> {
    const rows = await this.query(
      `SELECT * FROM plans
       WHERE state = 'active' AND generated_until < LEAST(ends_at, $1)
       ORDER BY generated_until LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [until, limit],
    );
    return rows.map(toPlan);
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
         ends_at, template, state, generated_until, version, created_at, updated_at, organization_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
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
      ],
    );
  }

  async savePlan(plan: Plan): Promise<Plan> {
    const result = await this.query(
      `UPDATE plans SET state = $2, generated_until = $3, updated_at = $4, version = version + 1
       WHERE id = $1 AND version = $5 RETURNING version`,
      [plan.id, plan.state, plan.generatedUntil, plan.updatedAt, plan.version],
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
    const rows = await this.query(
      'SELECT * FROM commands WHERE id = $1 AND organization_id = $2',
      [id, organizationId],
    );
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

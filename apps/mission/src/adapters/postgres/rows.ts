import type { Plan } from '../../domain/plan';
import { plannedAt, Task, TaskState, TaskTransition } from '../../domain/task';
import type { CommandState, StoredCommand } from '../../application/ports';

/** pg returns bigint as text; every time we store fits a JS number. */
function num(value: unknown): number {
  return Number(value);
}

function numOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value);
}

export type Row = Record<string, unknown>;

export const TASK_COLUMNS = [
  'flight_id',
  'gateway_sn',
  'wayline_id',
  'name',
  'creator',
  'plan_id',
  'resumed_from',
  'task_type',
  'execute_time',
  'ready_conditions',
  'executable_conditions',
  'rth_altitude',
  'rth_mode',
  'out_of_control_action',
  'exit_wayline_when_rc_lost',
  'break_point',
  'simulate_mission',
  'wayline_type',
  'planned_at',
  'state',
  'version',
  'next_action_at',
  'attempts',
  'pending_command_id',
  'cancel_command_id',
  'ready_at',
  'result_code',
  'result_meaning',
  'last_cause',
  'progress',
  'file',
  'created_at',
  'updated_at',
  'organization_id',
] as const;

function json(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

/** The column values of a task, in TASK_COLUMNS order. */
export function taskValues(task: Task): unknown[] {
  const { spec } = task;
  return [
    task.flightId,
    task.gatewaySn,
    task.waylineId,
    task.name,
    task.creator,
    task.planId,
    task.resumedFrom,
    spec.taskType,
    spec.executeTime,
    json(spec.readyConditions),
    json(spec.executableConditions),
    spec.rthAltitude,
    spec.rthMode,
    spec.outOfControlAction,
    spec.exitWaylineWhenRcLost,
    json(spec.breakPoint),
    json(spec.simulateMission),
    spec.waylineType,
    plannedAt(task),
    task.state,
    task.version,
    task.nextActionAt,
    task.attempts,
    task.pendingCommandId,
    task.cancelCommandId,
    task.readyAt,
    task.resultCode,
    task.resultMeaning,
    task.lastCause,
    json(task.progress),
    json(task.file),
    task.createdAt,
    task.updatedAt,
    task.organizationId,
  ];
}

export function toTask(row: Row): Task {
  return {
    flightId: row.flight_id as string,
    organizationId: row.organization_id as string,
    gatewaySn: row.gateway_sn as string,
    waylineId: row.wayline_id as string,
    name: row.name as string,
    creator: row.creator as string,
    planId: (row.plan_id as string | null) ?? null,
    resumedFrom: (row.resumed_from as string | null) ?? null,
    spec: {
      taskType: num(row.task_type) as Task['spec']['taskType'],
      executeTime: numOrNull(row.execute_time),
      readyConditions: (row.ready_conditions as Task['spec']['readyConditions']) ?? null,
      executableConditions:
        (row.executable_conditions as Task['spec']['executableConditions']) ?? null,
      rthAltitude: num(row.rth_altitude),
      rthMode: numOrNull(row.rth_mode) as Task['spec']['rthMode'],
      outOfControlAction: num(row.out_of_control_action) as Task['spec']['outOfControlAction'],
      exitWaylineWhenRcLost: num(row.exit_wayline_when_rc_lost) as 0 | 1,
      breakPoint: (row.break_point as Task['spec']['breakPoint']) ?? null,
      simulateMission: (row.simulate_mission as Task['spec']['simulateMission']) ?? null,
      waylineType: num(row.wayline_type) as 0 | 1,
    },
    state: row.state as TaskState,
    version: num(row.version),
    nextActionAt: numOrNull(row.next_action_at),
    attempts: num(row.attempts),
    pendingCommandId: (row.pending_command_id as string | null) ?? null,
    cancelCommandId: (row.cancel_command_id as string | null) ?? null,
    readyAt: numOrNull(row.ready_at),
    resultCode: numOrNull(row.result_code),
    resultMeaning: (row.result_meaning as string | null) ?? null,
    lastCause: row.last_cause as string,
    progress: (row.progress as Task['progress']) ?? null,
    file: (row.file as Task['file']) ?? null,
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  };
}

export function toTransition(row: Row): TaskTransition {
  return {
    from: (row.from_state as TaskState | null) ?? null,
    to: row.to_state as TaskState,
    cause: row.cause as string,
    resultCode: numOrNull(row.result_code),
    resultMeaning: (row.result_meaning as string | null) ?? null,
    at: num(row.at),
  };
}

export function toCommand(row: Row): StoredCommand {
  return {
    id: row.id as string,
    gatewaySn: row.gateway_sn as string,
    method: row.method as string,
    flightIds: row.flight_ids as string[],
    attempt: num(row.attempt),
    state: row.state as CommandState,
    resultCode: numOrNull(row.result_code),
    resultMeaning: (row.result_meaning as string | null) ?? null,
    error: (row.error as string | null) ?? null,
    requestedAt: num(row.requested_at),
    completedAt: numOrNull(row.completed_at),
  };
}

export function toPlan(row: Row): Plan {
  return {
    id: row.id as string,
    organizationId: row.organization_id as string,
    name: row.name as string,
    creator: row.creator as string,
    gatewaySn: row.gateway_sn as string,
    waylineId: row.wayline_id as string,
    recurrence: { cron: row.cron as string, timeZone: row.time_zone as string },
    startsAt: num(row.starts_at),
    endsAt: num(row.ends_at),
    template: row.template as Plan['template'],
    state: row.state as Plan['state'],
    stateReason: (row.state_reason as Plan['stateReason'] | undefined) ?? null,
    generatedUntil: num(row.generated_until),
    version: num(row.version),
    createdAt: num(row.created_at),
    updatedAt: num(row.updated_at),
  };
}

import type { FinalTaskStatus, FlighttaskPrepareData } from '@dock/protocol';

/**
 * The tasks a dock holds, by flight id, and how each ended. `undone` is a task cancelled by
 * flighttask_undo before it started (the dock reports no progress for it).
 */
export type TaskState = 'prepared' | 'executing' | FinalTaskStatus | 'undone';

export interface TaskRecord {
  readonly flightId: string;
  readonly taskType: number;
  readonly prepare: FlighttaskPrepareData;
  state: TaskState;
  /** The result code of the final progress report (0 when ok). */
  result: number;
  /** Last reported progress. */
  step: number;
  percent: number;
  waypointIndex: number;
  /** Conditional tasks: flighttask_ready was sent and the conditions still hold. */
  readyAnnounced: boolean;
  preparedAt: number;
  endedAt?: number;
}

/** A read-only copy for snapshots and reports. */
export type TaskView = Readonly<Omit<TaskRecord, 'prepare'>>;

export const OPEN_STATES: ReadonlySet<TaskState> = new Set(['prepared', 'executing']);

export class TaskBook {
  private readonly tasks = new Map<string, TaskRecord>();

  get(flightId: string): TaskRecord | undefined {
    return this.tasks.get(flightId);
  }

  prepare(prepare: FlighttaskPrepareData, now: number): TaskRecord {
    const record: TaskRecord = {
      flightId: prepare.flight_id,
      taskType: prepare.task_type,
      prepare,
      state: 'prepared',
      result: 0,
      step: 0,
      percent: 0,
      waypointIndex: 0,
      readyAnnounced: false,
      preparedAt: now,
    };
    this.tasks.set(prepare.flight_id, record);
    return record;
  }

  /** Prepared conditional tasks (task_type 2), for the readiness check. */
  conditional(): TaskRecord[] {
    return [...this.tasks.values()].filter((t) => t.state === 'prepared' && t.taskType === 2);
  }

  openCount(): number {
    let open = 0;
    for (const task of this.tasks.values()) if (OPEN_STATES.has(task.state)) open += 1;
    return open;
  }

  views(): TaskView[] {
    return [...this.tasks.values()].map(({ prepare: _prepare, ...view }) => ({ ...view }));
  }
}

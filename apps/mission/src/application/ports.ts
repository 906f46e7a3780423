import type { Plan } from '../domain/plan';
import type { Task, TaskState, TaskTransition, WaylineFileRef } from '../domain/task';
import type { CommandDraft, TaskMutation } from '../domain/task-mutation';

export type CommandState = 'pending' | 'accepted' | 'refused' | 'timeout' | 'invalid';

/** A command as stored: what was asked, and how the dock (or the gateway) answered. */
export interface StoredCommand {
  id: string;
  gatewaySn: string;
  method: string;
  flightIds: string[];
  attempt: number;
  state: CommandState;
  resultCode: number | null;
  resultMeaning: string | null;
  error: string | null;
  requestedAt: number;
  completedAt: number | null;
}

export interface CommandCompletion {
  state: Exclude<CommandState, 'pending'>;
  resultCode: number | null;
  resultMeaning: string | null;
  error: string | null;
  at: number;
}

/** Thrown when a write names a version that is no longer current (optimistic concurrency). */
export class VersionConflictError extends Error {
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} ${id} was changed concurrently`);
    this.name = 'VersionConflictError';
  }
}

/** One transaction's view of the store. */
export interface MissionTx {
  getTask(flightId: string): Promise<Task | null>;
  getTasks(flightIds: readonly string[]): Promise<Task[]>;
  /** Inserts a new task (and its dock); false when a plan occurrence already has its task. */
  insertTask(mutation: TaskMutation): Promise<boolean>;
  /** Writes the mutation if the task is still at `mutation.task.version`; else VersionConflictError. */
  saveTask(mutation: TaskMutation): Promise<Task>;
  /** A command that changes no task (return_home...), in the organization that asked for it. */
  insertCommand(command: CommandDraft, at: number, organizationId: string): Promise<void>;
  /** Marks a pending command answered; null when unknown or already answered (duplicate). */
  completeCommand(id: string, completion: CommandCompletion): Promise<StoredCommand | null>;
  /** completeCommand for many in one statement: the commands it marked (pending ones only). */
  completeCommands(
    completions: readonly { id: string; completion: CommandCompletion }[],
  ): Promise<StoredCommand[]>;
  /**
   * Versioned writes of changes made outside the scheduler, as saveTask for each, in a few
   * multi-row statements; each change brings its dock's due time forward (see dockDueAfter).
   */
  saveChanges(mutations: readonly TaskMutation[]): Promise<void>;
  /**
   * Claims, in one statement, up to `limit` docks whose due time has come (or the named docks,
   * when due at all) that no other transaction holds (row locks, SKIP LOCKED: two replicas never
   * claim the same dock, so never the same task), with their open tasks in creation order.
   * The claim lasts until the transaction ends; `setDockDue` then says when to look again.
   */
  claimDueDocks(now: number, limit: number, only?: readonly string[]): Promise<DueDock[]>;
  /**
   * Writes the changes of a batch (all versioned, as saveTask), with their history, task events,
   * commands and outbox records, in a few multi-row statements. Any stale version fails the
   * whole batch (VersionConflictError).
   */
  saveTasks(mutations: readonly TaskMutation[]): Promise<void>;
  /** When each claimed dock needs the scheduler next (null: only an event can give it work). */
  setDockDue(docks: readonly { gatewaySn: string; dueAt: number | null }[]): Promise<void>;
  /**
   * Locks active plans whose tasks do not reach `until` yet, and active plans whose dock is no
   * longer their organization's (however far they are generated), each with its dock's
   * organization now (as DockOrganizations.organizationOf answers it).
   */
  lockPlansToExtend(until: number, limit: number): Promise<PlanToExtend[]>;
  getPlan(id: string, lock: boolean): Promise<Plan | null>;
  insertPlan(plan: Plan): Promise<void>;
  savePlan(plan: Plan): Promise<Plan>;
  openTasksOfPlan(planId: string): Promise<Task[]>;
}

/** A plan locked for generation, with the organization its dock belongs to now (null: none). */
export interface PlanToExtend {
  plan: Plan;
  dockOrganizationId: string | null;
}

/** A claimed dock and its open tasks. */
export interface DueDock {
  gatewaySn: string;
  tasks: Task[];
}

export interface TaskQuery {
  /** Only this organization's tasks. */
  organizationId: string;
  gatewaySn?: string;
  states?: TaskState[];
  planId?: string;
  /** planned time range, UTC ms, inclusive */
  from?: number;
  to?: number;
  limit: number;
  offset: number;
}

export interface MissionStore {
  transaction<T>(work: (tx: MissionTx) => Promise<T>): Promise<T>;
  /** The earliest time a dock needs the scheduler (null: none does): the scheduler's timer. */
  nextDueAt(): Promise<number | null>;
  /**
   * Reads scoped by organization: a record of another organization is null, exactly as an
   * unknown id is (nothing tells a caller that it exists).
   */
  findTask(flightId: string, organizationId: string): Promise<Task | null>;
  listTasks(query: TaskQuery): Promise<{ items: Task[]; total: number }>;
  history(flightId: string): Promise<TaskTransition[]>;
  findCommand(id: string, organizationId: string): Promise<StoredCommand | null>;
  findPlan(id: string, organizationId: string): Promise<Plan | null>;
  listPlans(
    organizationId: string,
    limit: number,
    offset: number,
  ): Promise<{ items: Plan[]; total: number }>;
}

/** The file service's part: bind a flight to its wayline and get a fresh URL + fingerprint. */
export interface WaylineUrlProvider {
  /** The wayline is looked up in `organizationId`: another organization's is unknown. */
  bind(request: {
    flightId: string;
    waylineId: string;
    gatewaySn: string;
    organizationId: string;
  }): Promise<WaylineFileRef>;
}

/** The wayline is unknown (or deleted): the task cannot fly it. */
export class WaylineUnavailableError extends Error {
  constructor(
    readonly waylineId: string,
    detail: string,
  ) {
    super(`wayline ${waylineId} is not available: ${detail}`);
    this.name = 'WaylineUnavailableError';
  }
}

/** Sends the outbox to Kafka; the adapter knows the topics. */
export interface OutboxRelay {
  relay(): Promise<number>;
}

/** A dock joined (organizationId) or left (null) an organization at `at` (ms). */
export interface DockBinding {
  readonly gatewaySn: string;
  readonly organizationId: string | null;
  readonly at: number;
}

/**
 * Which organization a dock belongs to: the one the registry last bound it to
 * (registry.device-events); DEFAULT_ORGANIZATION_ID for a dock no binding was seen for (the
 * docks of a deployment before organizations, as alerts counts them); null once unbound.
 */
export interface DockOrganizations {
  organizationOf(gatewaySn: string): Promise<string | null>;
  /** Idempotent; a binding older than the one recorded for the dock changes nothing. */
  recordBinding(binding: DockBinding): Promise<void>;
}

import type { ServiceMethod } from '@dock/protocol';
import type { Task, TaskTransition } from './task';

/** A command for the gateway, stored with the change that causes it and sent from the outbox. */
export interface CommandDraft {
  /** The correlation id: the reply names it. */
  id: string;
  gatewaySn: string;
  method: ServiceMethod;
  /** The tasks it acts on (none for return_home / return_home_cancel). */
  flightIds: string[];
  /** The MQTT bid: the flight id for a task's commands. */
  bid: string;
  data: unknown;
  /** 1 for the first send of a step, 2 for its first retry... */
  attempt: number;
}

/**
 * One change of one task, computed by the domain and written atomically by the store: the new
 * task (its version is the one read; the store writes version + 1 only if that still holds),
 * the history entry when the state moved, whether other systems hear of it, and the commands
 * it sends.
 */
export interface TaskMutation {
  task: Task;
  transition: TaskTransition | null;
  /** Publish a task event (mission.task-events) for this change. */
  publish: boolean;
  commands: CommandDraft[];
}

/** Why a request or an event cannot change a task. `final`: the task is already over. */
export interface Refusal {
  refused: true;
  reason: string;
  final: boolean;
}

export function isRefusal<T extends object>(value: T | Refusal | null): value is Refusal {
  return value !== null && 'refused' in value;
}

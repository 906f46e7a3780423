import { CommandRecord } from '@dock/contracts';
import {
  buildServiceCommand,
  DEPRECATED_SERVICE_METHODS,
  ServiceMethod,
  SERVICE_METHODS,
} from '@dock/protocol';
import { PendingCommand } from '../pending/pending-entries';

export interface CommandSettings {
  readonly defaultTimeoutMs: number;
  readonly instanceId: string;
}

export type CommandPlan =
  | { readonly ok: true; readonly pending: PendingCommand }
  | {
      readonly ok: false;
      readonly reason: 'unknown_method' | 'invalid_data';
      readonly error: string;
    };

const SERVICE_METHOD_SET: ReadonlySet<string> = new Set(SERVICE_METHODS);

function isServiceMethod(method: string): method is ServiceMethod {
  return SERVICE_METHOD_SET.has(method);
}

/**
 * Turns a command record into the exact MQTT message to send and the pending entry that waits
 * for its reply. The protocol's strict downlink validators decide what may go to a dock: an
 * unknown method or bad data is refused here, never sent.
 */
export function planCommand(
  command: CommandRecord,
  tid: string,
  now: number,
  settings: CommandSettings,
): CommandPlan {
  if (!isServiceMethod(command.method)) {
    return {
      ok: false,
      reason: 'unknown_method',
      error: `method: ${command.method} is not a service the gateway can send (${SERVICE_METHODS.join(', ')})`,
    };
  }
  const built = buildServiceCommand({
    gatewaySn: command.gatewaySn,
    tid,
    bid: command.bid,
    timestamp: now,
    method: command.method,
    // The validators inside buildServiceCommand check data against the method's schema.
    data: command.data as never,
  });
  if (!built.ok) return { ok: false, reason: 'invalid_data', error: built.error.message };
  const timeoutMs = command.timeoutMs ?? settings.defaultTimeoutMs;
  return {
    ok: true,
    pending: {
      correlationId: command.correlationId,
      gatewaySn: command.gatewaySn,
      method: command.method,
      tid,
      bid: command.bid,
      topic: built.message.topic,
      payload: built.message.payload,
      sentAt: now,
      deadline: now + timeoutMs,
      sentBy: settings.instanceId,
      ...(command.requester === undefined ? {} : { requester: command.requester }),
    },
  };
}

export function isDeprecatedMethod(method: string): boolean {
  return isServiceMethod(method) && DEPRECATED_SERVICE_METHODS.has(method);
}

import {
  CommandRecord,
  commandRecordSchema,
  decodeRecordValue,
  CommandReplyRecord,
  SCHEMA_VERSION,
} from '@dock/contracts';
import { PendingCommand } from '../pending/pending-entries';

/** What identifies a command to its requester. */
export type CommandIdentity = Pick<CommandRecord, 'correlationId' | 'gatewaySn' | 'method' | 'bid'>;

export type DecodedCommand =
  | { readonly ok: true; readonly command: CommandRecord }
  | {
      readonly ok: false;
      readonly error: string;
      /** What could be read, so the requester still gets an `invalid` reply when possible. */
      readonly partial?: CommandIdentity;
    };

/** Parses and validates one dock.commands value; never throws (a topic may hold anything). */
export function decodeCommand(value: Buffer | null): DecodedCommand {
  const decoded = decodeRecordValue(value, commandRecordSchema);
  if (decoded.ok) return { ok: true, command: decoded.value };
  return { ok: false, error: decoded.error, partial: readPartial(decoded.json) };
}

function readPartial(json: unknown): CommandIdentity | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const record = json as Record<string, unknown>;
  const { correlationId, gatewaySn } = record;
  // Without a correlation id nobody could match the reply; without an SN it cannot be keyed.
  if (typeof correlationId !== 'string' || correlationId.length === 0) return undefined;
  if (typeof gatewaySn !== 'string' || gatewaySn.length === 0 || gatewaySn.length > 64) {
    return undefined;
  }
  return {
    correlationId: correlationId.slice(0, 200),
    gatewaySn,
    method: typeof record.method === 'string' ? record.method.slice(0, 100) : '',
    bid: typeof record.bid === 'string' ? record.bid.slice(0, 200) : '',
  };
}

export interface ReplyContext {
  readonly now: number;
  readonly instanceId: string;
}

/** The dock answered (result 0 = accepted, anything else = its error code). */
export function repliedRecord(
  pending: PendingCommand,
  answer: {
    readonly result: number | null;
    readonly output?: unknown;
    readonly receivedAt: number;
  },
  context: ReplyContext,
): CommandReplyRecord {
  return {
    ...base(pending, context),
    outcome: 'replied',
    result: answer.result,
    ...(answer.output === undefined ? {} : { output: answer.output }),
    roundTripMs: Math.max(0, answer.receivedAt - pending.sentAt),
  };
}

/** No services_reply by the deadline. */
export function timeoutRecord(pending: PendingCommand, context: ReplyContext): CommandReplyRecord {
  return {
    ...base(pending, context),
    outcome: 'timeout',
    result: null,
    error: `no services_reply within ${pending.deadline - pending.sentAt} ms`,
    roundTripMs: null,
  };
}

/** The gateway refused to send the command. */
export function invalidRecord(
  command: CommandIdentity,
  error: string,
  context: ReplyContext,
): CommandReplyRecord {
  return {
    schemaVersion: SCHEMA_VERSION,
    correlationId: command.correlationId,
    gatewaySn: command.gatewaySn,
    method: command.method,
    tid: null,
    bid: command.bid,
    outcome: 'invalid',
    result: null,
    error,
    sentAt: null,
    completedAt: context.now,
    roundTripMs: null,
    completedBy: context.instanceId,
  };
}

function base(pending: PendingCommand, context: ReplyContext) {
  return {
    schemaVersion: SCHEMA_VERSION,
    correlationId: pending.correlationId,
    gatewaySn: pending.gatewaySn,
    method: pending.method,
    tid: pending.tid,
    bid: pending.bid,
    sentAt: pending.sentAt,
    completedAt: context.now,
    sentBy: pending.sentBy,
    completedBy: context.instanceId,
  } as const;
}

/** `data.result` / `data.output` of a services_reply, whatever the method. */
export function readServiceReplyData(data: unknown): { result: number | null; output?: unknown } {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { result: null };
  const { result, output } = data as { result?: unknown; output?: unknown };
  return {
    result: typeof result === 'number' && Number.isInteger(result) ? result : null,
    ...(output === undefined ? {} : { output }),
  };
}

import { CommandRecord } from '@dock/contracts';
import { PendingCommand } from '../pending/pending-entries';
import { AddOutcome } from '../pending/pending-store';

/** A command the gateway accepted: the record and the entry planned for it (fresh tid). */
export interface PlannedCommand {
  readonly command: CommandRecord;
  readonly entry: PendingCommand;
}

/** What goes to the dock: the planned entry, or the one stored by an earlier delivery. */
export interface CommandToSend {
  readonly entry: PendingCommand;
  /** Sent before (a redelivered record): the stored message goes out again, same tid. */
  readonly resent: boolean;
}

export interface SendPlan {
  readonly sends: readonly CommandToSend[];
  /** Redelivered commands whose reply already came (or timed out): sent no more. */
  readonly completed: readonly { readonly correlationId: string; readonly tid: string }[];
}

/**
 * Decides, from the pending store's answer to each planned command (same order), what goes out:
 * a new entry as planned, a still-pending one as it was stored (a redelivery resends the same
 * tid, so the dock and the reply matching see one command), a completed one not at all.
 */
export function planSends(
  planned: readonly PlannedCommand[],
  outcomes: readonly AddOutcome<PendingCommand>[],
): SendPlan {
  if (outcomes.length !== planned.length) {
    throw new Error(`${outcomes.length} pending-store outcomes for ${planned.length} commands`);
  }
  const sends: CommandToSend[] = [];
  const completed: { correlationId: string; tid: string }[] = [];
  planned.forEach(({ command, entry }, i) => {
    const outcome = outcomes[i];
    if (outcome.status === 'completed') {
      completed.push({ correlationId: command.correlationId, tid: outcome.id });
    } else if (outcome.status === 'pending') {
      sends.push({ entry: outcome.entry, resent: true });
    } else {
      sends.push({ entry, resent: false });
    }
  });
  return { sends, completed };
}

/**
 * Splits commands into one sequence per dock, each in the order given. Order matters only
 * within a dock (its commands run in queue order); the sequences of different docks are
 * independent and may go out concurrently.
 */
export function sequencesByDock(sends: readonly CommandToSend[]): CommandToSend[][] {
  const byDock = new Map<string, CommandToSend[]>();
  for (const send of sends) {
    const sequence = byDock.get(send.entry.gatewaySn);
    if (sequence) sequence.push(send);
    else byDock.set(send.entry.gatewaySn, [send]);
  }
  return [...byDock.values()];
}

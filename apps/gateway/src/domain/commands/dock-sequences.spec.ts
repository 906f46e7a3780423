import { CommandRecord } from '@dock/contracts';
import { PendingCommand } from '../pending/pending-entries';
import { AddOutcome } from '../pending/pending-store';
import { CommandToSend, PlannedCommand, planSends, sequencesByDock } from './dock-sequences';

function planned(correlationId: string, gatewaySn: string, tid: string): PlannedCommand {
  const command: CommandRecord = {
    schemaVersion: 1,
    correlationId,
    gatewaySn,
    method: 'return_home',
    bid: `b-${correlationId}`,
    data: {},
    requestedAt: 1,
  };
  const entry: PendingCommand = {
    correlationId,
    gatewaySn,
    method: 'return_home',
    tid,
    bid: command.bid,
    topic: `thing/product/${gatewaySn}/services`,
    payload: `{"tid":"${tid}"}`,
    sentAt: 1,
    deadline: 2,
    sentBy: 'gw',
  };
  return { command, entry };
}

describe('planSends', () => {
  it('sends new entries as planned, pending ones as stored (same tid), completed ones not', () => {
    const fresh = planned('c1', 'SN1', 'new-1');
    const redelivered = planned('c2', 'SN1', 'new-2');
    const done = planned('c3', 'SN2', 'new-3');
    const stored = { ...redelivered.entry, tid: 'old-2', payload: '{"tid":"old-2"}' };
    const outcomes: AddOutcome<PendingCommand>[] = [
      { status: 'added' },
      { status: 'pending', id: 'SN1/old-2', entry: stored },
      { status: 'completed', id: 'SN2/old-3' },
    ];
    expect(planSends([fresh, redelivered, done], outcomes)).toEqual({
      sends: [
        { entry: fresh.entry, resent: false },
        { entry: stored, resent: true },
      ],
      completed: [{ correlationId: 'c3', tid: 'SN2/old-3' }],
    });
  });

  it('refuses outcomes that do not match the commands one to one', () => {
    expect(() => planSends([planned('c1', 'SN1', 't')], [])).toThrow(/0 pending-store outcomes/);
  });
});

describe('sequencesByDock', () => {
  const send = (sn: string, tid: string): CommandToSend => ({
    entry: planned(tid, sn, tid).entry,
    resent: false,
  });

  it('keeps each dock`s commands in their order, one sequence per dock', () => {
    const sends = [
      send('A', 'a1'),
      send('B', 'b1'),
      send('A', 'a2'),
      send('C', 'c1'),
      send('B', 'b2'),
      send('A', 'a3'),
    ];
    const tids = sequencesByDock(sends).map((sequence) => sequence.map((s) => s.entry.tid));
    expect(tids).toEqual([['a1', 'a2', 'a3'], ['b1', 'b2'], ['c1']]);
  });

  it('makes no sequence of nothing', () => {
    expect(sequencesByDock([])).toEqual([]);
  });
});

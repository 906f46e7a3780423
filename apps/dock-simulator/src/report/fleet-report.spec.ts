import { behaviourWith } from '../domain/behaviour';
import { GOOD_MD5, Harness, prepareData } from '../domain/testing/harness';
import { buildFleetReport, summarise } from './fleet-report';
import { formatReport } from './format-report';

describe('fleet report', () => {
  it('summarises latencies as percentiles', () => {
    expect(summarise([])).toEqual({ count: 0, p50: null, p95: null, max: null });
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(summarise(values)).toEqual({ count: 100, p50: 50, p95: 95, max: 100 });
  });

  it('counts tasks by final state, missing replies and traffic across docks', () => {
    const ok = new Harness(behaviourWith({ speed: 100, waypoints: 2 })).connect();
    ok.answerStatus(ok.topo());
    ok.service('flighttask_prepare', prepareData('F-1', ok.now));
    ok.service('flighttask_execute', { flight_id: 'F-1' });
    ok.answerResource(
      ok.advanceUntil((m) => m.family === 'requests'),
      'https://x.example/k',
      GOOD_MD5,
    );
    ok.download('F-1', { md5: 'bad' });

    const idle = new Harness().connect();
    idle.advance(idle.behaviour.replyTimeoutMs + 1_000);

    const report = buildFleetReport({
      startedAt: 0,
      endedAt: 12_345,
      snapshots: [ok.machine.snapshot(), idle.machine.snapshot()],
      connectFailures: 1,
      publishErrors: 0,
    });
    expect(report.durationS).toBe(12.3);
    expect(report.docks).toMatchObject({
      total: 2,
      online: 2,
      connectFailures: 1,
      onboarding: { bound: 2 },
    });
    expect(report.tasks).toEqual({ 'failed 314005': 1 });
    expect(report.replies.missing).toEqual({ 'status_reply:update_topo': 1 });
    expect(report.replies.pending).toBe(2); // the progress reports the first dock still awaits
    expect(report.latenciesMs.status_reply.count).toBe(1);
    expect(report.messages.published['status:update_topo']).toBe(2);

    const text = formatReport(report);
    expect(text).toContain('failed 314005  wayline MD5 check failed');
    expect(text).toContain('onboarding: bound 2');
    expect(text).toContain('replies missing: 1 (status_reply:update_topo 1)');
  });
});

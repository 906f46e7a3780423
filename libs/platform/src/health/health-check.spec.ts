import { runChecks } from './health-check';

describe('runChecks', () => {
  it('is ready when every dependency answers', async () => {
    const report = await runChecks([{ name: 'kafka', check: async () => undefined }], 100);
    expect(report.ready).toBe(true);
    expect(report.checks[0]).toMatchObject({ name: 'kafka', ok: true });
  });

  it('is not ready when one dependency fails, and says which and why', async () => {
    const report = await runChecks(
      [
        { name: 'redis', check: async () => undefined },
        { name: 'postgres', check: async () => Promise.reject(new Error('ECONNREFUSED')) },
      ],
      100,
    );
    expect(report.ready).toBe(false);
    expect(report.checks.find((c) => c.name === 'postgres')).toMatchObject({
      ok: false,
      error: 'ECONNREFUSED',
    });
  });

  it('bounds a hung dependency by the timeout', async () => {
    const report = await runChecks(
      [{ name: 'mqtt', check: () => new Promise<void>(() => undefined) }],
      20,
    );
    expect(report.checks[0]).toMatchObject({ ok: false, error: 'no answer within 20 ms' });
  });

  it('is ready with no dependencies at all', async () => {
    expect((await runChecks([], 10)).ready).toBe(true);
  });
});

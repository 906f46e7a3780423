import { InFlightWork } from './in-flight';

describe('InFlightWork', () => {
  it('drains at once when nothing runs', async () => {
    await expect(new InFlightWork().drain(10)).resolves.toBe(true);
  });

  it('waits for running work, then refuses new work', async () => {
    const work = new InFlightWork();
    let finish!: () => void;
    const job = work.track(
      () => new Promise<string>((resolve) => (finish = () => resolve('done'))),
    );
    expect(work.count).toBe(1);
    const drained = work.drain(1000);
    await expect(work.track(async () => 'late')).rejects.toThrow('shutting down');
    finish();
    await expect(job).resolves.toBe('done');
    await expect(drained).resolves.toBe(true);
    expect(work.count).toBe(0);
  });

  it('gives up after the timeout and says so', async () => {
    const work = new InFlightWork();
    void work.track(() => new Promise(() => undefined));
    await expect(work.drain(10)).resolves.toBe(false);
  });

  it('counts failed work as finished', async () => {
    const work = new InFlightWork();
    await expect(work.track(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(work.count).toBe(0);
  });
});

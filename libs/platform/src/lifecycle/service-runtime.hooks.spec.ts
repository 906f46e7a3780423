import pino from 'pino';
import { LateBoundCheck } from '../health/late-bound-check';
import { ServiceLifecycle } from './service-lifecycle';
import type { ServiceRuntime } from './service-runtime';
import { ServiceRuntimeHooks } from './service-runtime.hooks';

function recordingRuntime(calls: string[]): ServiceRuntime {
  return {
    start: async () => void calls.push('start'),
    drain: async () => void calls.push('drain'),
    stop: async () => void calls.push('stop'),
    readinessChecks: () => [
      { name: 'mqtt', check: async () => void calls.push('probe mqtt') },
      { name: 'own', check: async () => void calls.push('probe own') },
    ],
  };
}

describe('ServiceRuntimeHooks', () => {
  it('maps bootstrap to start, before-shutdown to drain and shutdown to stop', async () => {
    const calls: string[] = [];
    const hooks = new ServiceRuntimeHooks(recordingRuntime(calls), new ServiceLifecycle(), {
      service: 'test',
      logger: pino({ level: 'silent' }),
      checks: [],
    });
    await hooks.onApplicationBootstrap();
    await hooks.beforeApplicationShutdown();
    await hooks.onApplicationShutdown();
    expect(calls).toEqual(['start', 'drain', 'stop']);
  });

  it("binds the definition's late-bound check of a probe's name; other probes join readiness", async () => {
    const calls: string[] = [];
    const placeholder = new LateBoundCheck('mqtt');
    await expect(placeholder.check()).rejects.toThrow('not started yet');
    const lifecycle = new ServiceLifecycle();
    new ServiceRuntimeHooks(recordingRuntime(calls), lifecycle, {
      service: 'test',
      logger: pino({ level: 'silent' }),
      checks: [placeholder],
    });
    await placeholder.check();
    expect(calls).toEqual(['probe mqtt']);
    expect(lifecycle.readinessChecks.map((check) => check.name)).toEqual(['own']);
  });
});

import Redis from 'ioredis';
import { ClosableCheck } from './closable-check';

export function redisCheck(url: string): ClosableCheck {
  const client = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    enableOfflineQueue: true,
  });
  client.on('error', () => undefined); // surfaced through check(), not as an unhandled event
  return {
    name: 'redis',
    async check() {
      if (client.status === 'wait' || client.status === 'end') await client.connect();
      const answer = await client.ping();
      if (answer !== 'PONG') throw new Error(`unexpected PING answer: ${answer}`);
    },
    async close() {
      client.disconnect();
    },
  };
}

import { Pool } from 'pg';
import { ClosableCheck } from './closable-check';

export function postgresCheck(connectionString: string): ClosableCheck {
  const pool = new Pool({ connectionString, max: 1, connectionTimeoutMillis: 2_000 });
  pool.on('error', () => undefined); // an idle client dropped by the server; the next check reconnects
  return {
    name: 'postgres',
    async check() {
      await pool.query('SELECT 1');
    },
    async close() {
      await pool.end().catch(() => undefined);
    },
  };
}

import { sqlTaskStateList, STARTED_TASK_STATES } from '@dock/contracts';
import { IndexInFlightTasks1746352800000 } from './1746352800000-index-in-flight-tasks';

describe('tasks_in_flight_idx', () => {
  it('has the predicate the store queries started tasks with, so PostgreSQL uses it', async () => {
    const statements: string[] = [];
    const runner = { query: async (sql: string) => void statements.push(sql) };
    await new IndexInFlightTasks1746352800000().up(runner as never);
    expect(statements.join('\n')).toContain(`state IN ${sqlTaskStateList(STARTED_TASK_STATES)}`);
  });
});

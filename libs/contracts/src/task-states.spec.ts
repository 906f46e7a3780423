import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ASYNCAPI_FILE } from '../../../test/support/asyncapi-contract';
import {
  DOCK_OCCUPYING_TASK_STATES,
  FINAL_TASK_STATES,
  isFinalTaskState,
  isTaskState,
  NOT_STARTED_TASK_STATES,
  OPEN_TASK_STATES,
  sqlTaskStateList,
  STARTED_TASK_STATES,
  taskStates,
} from './task-states';

describe('task states', () => {
  it('splits every state into exactly one of not started, started and final', () => {
    const groups = [...NOT_STARTED_TASK_STATES, ...STARTED_TASK_STATES, ...FINAL_TASK_STATES];
    expect([...groups].sort()).toEqual([...taskStates].sort());
    expect(new Set(groups).size).toBe(taskStates.length);
    expect(OPEN_TASK_STATES.every((s) => !isFinalTaskState(s))).toBe(true);
  });

  it('counts a dock as occupied from the prepare through the started states', () => {
    expect(DOCK_OCCUPYING_TASK_STATES).toEqual(['preparing', 'executing', 'in_progress', 'paused']);
  });

  it('recognises states and nothing else', () => {
    expect(isTaskState('paused')).toBe(true);
    expect(isTaskState('sent')).toBe(false);
    expect(isTaskState(undefined)).toBe(false);
  });

  it('writes a group as an SQL list without spaces', () => {
    expect(sqlTaskStateList(STARTED_TASK_STATES)).toBe("('executing','in_progress','paused')");
  });

  it('are the TaskState enum of docs/asyncapi.yaml, in the same order', () => {
    const document = parse(readFileSync(ASYNCAPI_FILE, 'utf8')) as {
      components: { schemas: { TaskState: { enum: string[] } } };
    };
    expect(document.components.schemas.TaskState.enum).toEqual([...taskStates]);
  });
});

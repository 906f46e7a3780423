import { ApiError } from '../api-client';
import type { View } from '../context';
import { h } from '../dom';
import { localInputToMs, msToLocalInput } from '../format';
import { describeError } from './errors';

/**
 * Planning: upload a wayline KMZ (the file service's checks' refusals shown as they are),
 * then an immediate, timed or conditional task, or a recurring plan, for a dock.
 */
export const planView: View = (container, context) => {
  const docks = h('datalist', { id: 'dock-list' });
  const waylineSelects: HTMLSelectElement[] = [];

  // --- upload ---
  const uploadName = h('input', { id: 'kmz-name', required: true, maxlength: 200 });
  const uploadFile = h('input', { id: 'kmz-file', type: 'file', accept: '.kmz', required: true });
  const uploadResult = h('p', { id: 'upload-result', role: 'status', 'aria-live': 'polite' });
  const upload = h(
    'form',
    { id: 'upload-form', 'aria-labelledby': 'upload-title' },
    h('h3', { id: 'upload-title' }, 'Upload a wayline (KMZ)'),
    field('Wayline name', uploadName),
    field('KMZ file', uploadFile),
    h('button', { type: 'submit' }, 'Upload'),
    uploadResult,
  );
  upload.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      const file = uploadFile.files?.[0];
      if (!file) return;
      setResult(uploadResult, 'Uploading...', 'pending');
      try {
        const wayline = await context.api.uploadWayline(uploadName.value.trim(), file);
        setResult(uploadResult, `Uploaded "${wayline.name}" (wayline ${wayline.id}).`, 'ok');
        await loadWaylines(wayline.id);
      } catch (failure) {
        const text =
          failure instanceof ApiError
            ? `The KMZ was refused: ${failure.message}${failure.code ? ` (${failure.code})` : ''}`
            : `The upload failed: ${describeError(failure)}`;
        setResult(uploadResult, text, 'error');
      }
    })();
  });

  // --- task ---
  const taskName = h('input', { id: 'task-name', required: true, maxlength: 200 });
  const taskDock = h('input', {
    id: 'task-dock',
    list: 'dock-list',
    required: true,
    autocomplete: 'off',
  });
  const taskWayline = waylineSelect('task-wayline');
  const taskType = h(
    'select',
    { id: 'task-type' },
    h('option', { value: 'immediate' }, 'immediate'),
    h('option', { value: 'timed' }, 'timed'),
    h('option', { value: 'conditional' }, 'conditional'),
  );
  const executeAt = h('input', { id: 'task-execute-time', type: 'datetime-local' });
  const battery = h('input', { id: 'task-battery', type: 'number', min: 0, max: 100, value: 50 });
  const windowStart = h('input', { id: 'task-window-start', type: 'datetime-local' });
  const windowEnd = h('input', { id: 'task-window-end', type: 'datetime-local' });
  const rthAltitude = h('input', {
    id: 'task-rth',
    type: 'number',
    min: 20,
    max: 1500,
    value: 100,
    required: true,
  });
  const rcLost = h('input', { id: 'task-rc-lost', type: 'checkbox' });
  const timedFields = h(
    'fieldset',
    { id: 'timed-fields', hidden: true },
    h('legend', {}, 'Timed'),
    field('Execute at', executeAt),
  );
  const conditionalFields = h(
    'fieldset',
    { id: 'conditional-fields', hidden: true },
    h('legend', {}, 'Conditional'),
    field('Minimum battery (%)', battery),
    field('Window start', windowStart),
    field('Window end', windowEnd),
  );
  const taskResult = h('p', { id: 'task-result', role: 'status', 'aria-live': 'polite' });
  const taskForm = h(
    'form',
    { id: 'task-form', 'aria-labelledby': 'task-title' },
    h('h3', { id: 'task-title' }, 'Create a task'),
    field('Task name', taskName),
    field('Dock SN', taskDock),
    field('Wayline', taskWayline),
    field('Type', taskType),
    timedFields,
    conditionalFields,
    field('Return-to-home altitude (m)', rthAltitude),
    h(
      'div',
      { class: 'check' },
      rcLost,
      h('label', { for: 'task-rc-lost' }, 'Leave the wayline when the RC signal is lost'),
    ),
    h('button', { type: 'submit' }, 'Create task'),
    taskResult,
  );
  const now = Date.now();
  executeAt.value = msToLocalInput(now + 10 * 60_000);
  windowStart.value = msToLocalInput(now);
  windowEnd.value = msToLocalInput(now + 60 * 60_000);
  taskType.addEventListener('change', () => {
    timedFields.hidden = taskType.value !== 'timed';
    conditionalFields.hidden = taskType.value !== 'conditional';
  });
  taskForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const body: Record<string, unknown> = {
      name: taskName.value.trim(),
      creator: 'console',
      gatewaySn: taskDock.value.trim(),
      waylineId: taskWayline.value,
      taskType: taskType.value,
      rthAltitude: Number(rthAltitude.value),
      exitWaylineWhenRcLost: rcLost.checked ? 1 : 0,
    };
    if (taskType.value === 'timed') body.executeTime = localInputToMs(executeAt.value);
    if (taskType.value === 'conditional') {
      body.readyConditions = {
        batteryCapacity: Number(battery.value),
        beginTime: localInputToMs(windowStart.value),
        endTime: localInputToMs(windowEnd.value),
      };
    }
    void (async () => {
      setResult(taskResult, 'Creating...', 'pending');
      try {
        const task = await context.api.createTask(body);
        taskResult.replaceChildren(
          `Task created (${task.state}): `,
          h(
            'a',
            { href: `#/flight/${encodeURIComponent(task.flightId)}`, id: 'created-task' },
            `follow flight ${task.flightId}`,
          ),
        );
        taskResult.className = 'ok';
      } catch (failure) {
        setResult(taskResult, `The task was refused: ${describeError(failure)}`, 'error');
      }
    })();
  });

  // --- plan ---
  const planName = h('input', { id: 'plan-name', required: true, maxlength: 200 });
  const planDock = h('input', {
    id: 'plan-dock',
    list: 'dock-list',
    required: true,
    autocomplete: 'off',
  });
  const planWayline = waylineSelect('plan-wayline');
  const cron = h('input', { id: 'plan-cron', required: true, value: '0 9 * * 1-5' });
  const timeZone = h('input', {
    id: 'plan-tz',
    required: true,
    value: Intl.DateTimeFormat().resolvedOptions().timeZone,
  });
  const endsAt = h('input', { id: 'plan-ends', type: 'datetime-local', required: true });
  endsAt.value = msToLocalInput(now + 30 * 86_400_000);
  const planRth = h('input', {
    id: 'plan-rth',
    type: 'number',
    min: 20,
    max: 1500,
    value: 100,
    required: true,
  });
  const planResult = h('p', { id: 'plan-result', role: 'status', 'aria-live': 'polite' });
  const planForm = h(
    'form',
    { id: 'plan-form', 'aria-labelledby': 'plan-title' },
    h('h3', { id: 'plan-title' }, 'Create a recurring plan'),
    field('Plan name', planName),
    field('Dock SN', planDock),
    field('Wayline', planWayline),
    field('Schedule (cron: minute hour day month weekday)', cron),
    field('Time zone', timeZone),
    field('Ends at', endsAt),
    field('Return-to-home altitude (m)', planRth),
    h('button', { type: 'submit' }, 'Create plan'),
    planResult,
  );
  planForm.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      setResult(planResult, 'Creating...', 'pending');
      try {
        const plan = await context.api.createPlan({
          name: planName.value.trim(),
          creator: 'console',
          gatewaySn: planDock.value.trim(),
          waylineId: planWayline.value,
          cron: cron.value.trim(),
          timeZone: timeZone.value.trim(),
          endsAt: localInputToMs(endsAt.value),
          rthAltitude: Number(planRth.value),
          exitWaylineWhenRcLost: 0,
        });
        setResult(planResult, `Plan "${plan.name}" created (${plan.state}, ${plan.cron}).`, 'ok');
      } catch (failure) {
        setResult(planResult, `The plan was refused: ${describeError(failure)}`, 'error');
      }
    })();
  });

  container.append(
    h('h2', {}, 'Plan'),
    docks,
    h('div', { class: 'columns' }, upload, taskForm),
    planForm,
  );

  function waylineSelect(id: string): HTMLSelectElement {
    const select = h(
      'select',
      { id, required: true },
      h('option', { value: '' }, 'upload a wayline first'),
    );
    waylineSelects.push(select);
    return select;
  }

  async function loadWaylines(selected?: string): Promise<void> {
    const { items } = await context.api.waylines();
    for (const select of waylineSelects) {
      const keep = selected ?? select.value;
      select.replaceChildren(
        ...(items.length === 0
          ? [h('option', { value: '' }, 'upload a wayline first')]
          : items.map((w) => h('option', { value: w.id }, `${w.name} (${w.id.slice(0, 8)})`))),
      );
      if (keep && items.some((w) => w.id === keep)) select.value = keep;
    }
  }

  void (async () => {
    try {
      await loadWaylines();
      const fleet = await context.api.docks();
      docks.replaceChildren(...fleet.map((dock) => h('option', { value: dock.gatewaySn })));
    } catch (failure) {
      setResult(
        uploadResult,
        `Could not read the waylines or docks: ${describeError(failure)}`,
        'error',
      );
    }
  })();
  return () => undefined;
};

function field(label: string, control: HTMLElement): HTMLElement {
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control);
}

function setResult(element: HTMLElement, text: string, kind: 'ok' | 'error' | 'pending'): void {
  element.textContent = text;
  element.className = kind;
  element.setAttribute('role', kind === 'error' ? 'alert' : 'status');
}

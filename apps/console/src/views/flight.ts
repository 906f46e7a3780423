import { ApiError, homeOf, pathOf } from '../api-client';
import type {
  CommandView,
  ExitHomingView,
  HmsAlertView,
  HmsLiveRecord,
  ProgressView,
  TaskView,
  TrajectoryFeature,
} from '../api-types';
import type { View } from '../context';
import { clear, h } from '../dom';
import { alertLevel } from '../fleet-model';
import { commandOutcome, dateTimeText, percentText, timeText } from '../format';
import { renderMap, tilesCaption } from '../map/map-view';
import { throttled } from '../throttle';
import { describeError } from './errors';

const COMMAND_POLL_MS = 500;
const COMMAND_WAIT_MS = 60_000;
const TIMELINE_ROWS = 300;

/**
 * One flight: the mission's state and its history, the progress timeline, the planned return
 * path on the map with the dock, exit-RTH notices, the HMS alerts raised during the flight,
 * media counts, and the commands with the dock's answers.
 */
export const flightView: View = (container, context, flightId) => {
  let task: TaskView | null = null;
  let timeline: ProgressView[] = [];
  let trajectory: TrajectoryFeature | null = null;
  let home: [number, number] | null = null;
  let notices: ExitHomingView[] = [];
  /** The flight's HMS alerts by id; null when the alerts service could not be read. */
  let alerts: Map<string, HmsAlertView> | null = new Map();
  let closed = false;
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const title = h('h2', {}, `Flight ${flightId}`);
  const summary = h('p', { id: 'flight-summary', role: 'status', 'aria-live': 'polite' });
  const bar = h('progress', {
    id: 'flight-progress',
    max: 100,
    value: 0,
    'aria-labelledby': 'flight-step',
  });
  const step = h('p', { id: 'flight-step' }, 'no progress reported yet');
  const answers = h('ul', { id: 'command-answers', 'aria-live': 'polite' });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const mapBox = h('div', { class: 'map-box' });
  const rthState = h('p', { id: 'rth-state' }, 'No return-to-home path planned for this flight.');
  const noticeList = h('ul', { id: 'exit-homing' });
  const alertList = h('ul', { id: 'flight-alerts', 'aria-live': 'polite' });
  const media = h('p', { id: 'media' });
  const history = h('ol', { id: 'state-history' });
  const timelineBody = h('tbody');

  const button = (label: string, action: () => Promise<void>) =>
    h('button', { type: 'button', onclick: () => void action() }, label);
  container.append(
    h('p', {}, h('a', { href: '#/fleet' }, 'Back to the fleet')),
    title,
    summary,
    error,
    h('div', { class: 'progress-line' }, bar, step),
    h(
      'section',
      { 'aria-labelledby': 'commands-title' },
      h('h3', { id: 'commands-title' }, 'Commands'),
      h(
        'div',
        { class: 'commands' },
        button('Pause', () => send('Pause', () => context.api.pause(flightId))),
        button('Resume', () => send('Resume', () => context.api.resume(flightId))),
        button('Return home', () => send('Return home', () => context.api.returnHome(dockSn()))),
        button('Cancel return home', () =>
          send('Cancel return home', () => context.api.cancelReturnHome(dockSn())),
        ),
        button('Cancel task', cancelTask),
        button('Resume from break point', resumeFromBreakpoint),
      ),
      answers,
    ),
    h(
      'div',
      { class: 'columns' },
      h(
        'section',
        { 'aria-labelledby': 'map-title' },
        h('h3', { id: 'map-title' }, 'Return-to-home path'),
        h(
          'figure',
          { class: 'map-figure' },
          mapBox,
          h('figcaption', {}, tilesCaption(context.config.tileUrl)),
        ),
        rthState,
        h('h4', {}, 'Exit-RTH notices'),
        noticeList,
        h('h4', {}, 'HMS alerts during the flight'),
        alertList,
        h('h4', {}, 'Media'),
        media,
      ),
      h(
        'section',
        { 'aria-labelledby': 'history-title' },
        h('h3', { id: 'history-title' }, 'State history'),
        history,
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'timeline-title' },
      h('h3', { id: 'timeline-title' }, 'Progress timeline'),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { id: 'timeline' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...['Time', 'Status', 'Step', 'Waypoint', 'Progress'].map((t) =>
                h('th', { scope: 'col' }, t),
              ),
            ),
          ),
          timelineBody,
        ),
      ),
    ),
  );

  function dockSn(): string {
    if (!task) throw new Error('the task is not loaded yet');
    return task.gatewaySn;
  }

  function later(fn: () => void, ms: number): void {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!closed) fn();
    }, ms);
    timers.add(timer);
  }

  /** One line per command: what was sent, then the dock's answer when it comes. */
  async function send(label: string, call: () => Promise<CommandView>): Promise<void> {
    const line = h('li', { 'data-command': label }, `${label}: sending...`);
    answers.prepend(line);
    try {
      const command = await call();
      line.textContent = `${label}: ${commandOutcome(command)}`;
      await follow(label, line, command);
    } catch (failure) {
      line.textContent = `${label}: ${refusal(failure)}`;
      line.classList.add('refused');
    }
  }

  async function follow(label: string, line: HTMLElement, first: CommandView): Promise<void> {
    let command = first;
    const deadline = Date.now() + COMMAND_WAIT_MS;
    while (command.state === 'pending' && Date.now() < deadline && !closed) {
      await new Promise((resolve) => setTimeout(resolve, COMMAND_POLL_MS));
      command = await context.api.command(command.id);
    }
    line.textContent = `${label}: ${commandOutcome(command)}`;
    line.classList.toggle('refused', command.state !== 'accepted' && command.state !== 'pending');
    line.setAttribute('data-state', command.state);
    scheduleTaskReload();
  }

  async function cancelTask(): Promise<void> {
    const line = h('li', { 'data-command': 'Cancel task' }, 'Cancel task: sending...');
    answers.prepend(line);
    try {
      const outcome = await context.api.cancelTasks(dockSn(), [flightId]);
      if (outcome.command) {
        line.textContent = `Cancel task: ${commandOutcome(outcome.command)}`;
        await follow('Cancel task', line, outcome.command);
      } else {
        line.textContent = 'Cancel task: canceled (it had not been sent to the dock)';
        line.setAttribute('data-state', 'accepted');
        scheduleTaskReload();
      }
    } catch (failure) {
      line.textContent = `Cancel task: ${refusal(failure)}`;
      line.classList.add('refused');
    }
  }

  async function resumeFromBreakpoint(): Promise<void> {
    const line = h('li', { 'data-command': 'Resume from break point' });
    answers.prepend(line);
    try {
      const created = await context.api.resumeFromBreakpoint(flightId);
      line.append(
        'Resume from break point: a new task was created: ',
        h('a', { href: `#/flight/${encodeURIComponent(created.flightId)}` }, created.flightId),
      );
      line.setAttribute('data-state', 'accepted');
    } catch (failure) {
      line.textContent = `Resume from break point: ${refusal(failure)}`;
      line.classList.add('refused');
    }
  }

  const drawTask = (): void => {
    if (!task) return;
    title.textContent = `Flight ${task.name} (dock ${task.gatewaySn})`;
    const result =
      task.result.code !== null && task.result.code !== 0
        ? `, result ${task.result.code}${task.result.meaning ? `: ${task.result.meaning}` : ''}`
        : '';
    summary.textContent = `Task ${task.state} (${task.taskType})${result}.`;
    summary.setAttribute('data-state', task.state);
    history.replaceChildren(
      ...(task.history ?? []).map((t) =>
        h(
          'li',
          {},
          `${dateTimeText(t.at)}: ${t.from ?? 'new'} -> ${t.to} (${t.cause}` +
            `${t.resultCode !== null ? `, code ${t.resultCode}` : ''})`,
        ),
      ),
    );
  };

  const drawProgress = (): void => {
    const latest = timeline[timeline.length - 1];
    if (latest) {
      bar.value = latest.percent ?? 0;
      step.textContent =
        `${latest.statusLabel}: waypoint ${latest.waypointIndex ?? '-'}, ` +
        `${percentText(latest.percent)}, step ${latest.currentStepLabel ?? latest.currentStep ?? '-'}`;
      const count = latest.mediaCount ?? 0;
      media.textContent =
        count > 0
          ? `${count} media file(s) reported by the aircraft.`
          : 'No media reported for this flight.';
    }
    const rows = timeline.slice(-TIMELINE_ROWS).reverse();
    timelineBody.replaceChildren(
      ...rows.map((p) =>
        h(
          'tr',
          {},
          h('td', {}, timeText(p.reportedAt)),
          h('td', {}, p.statusLabel),
          h('td', {}, p.currentStepLabel ?? String(p.currentStep ?? '-')),
          h('td', {}, String(p.waypointIndex ?? '-')),
          h('td', {}, percentText(p.percent)),
        ),
      ),
    );
  };

  const drawMap = (): void => {
    const points = pathOf(trajectory);
    rthState.textContent =
      points.length > 0
        ? `Planned return path: ${points.length} points.`
        : 'No return-to-home path planned for this flight.';
    rthState.setAttribute('data-points', String(points.length));
    clear(mapBox);
    mapBox.append(
      renderMap({
        title:
          points.length > 0
            ? `Return-to-home path of the flight, ${points.length} points`
            : 'Dock position; no return path planned',
        markers:
          home && task
            ? [{ id: task.gatewaySn, position: home, label: task.gatewaySn, kind: 'online' }]
            : [],
        paths: points.length > 0 ? [{ id: flightId, points, label: 'planned return path' }] : [],
        tileTemplate: context.config.tileUrl,
      }),
    );
  };

  const drawNotices = (): void => {
    noticeList.replaceChildren(
      ...(notices.length === 0
        ? [h('li', {}, 'none')]
        : notices.map((n) =>
            h('li', {}, `${timeText(n.reportedAt)}: ${n.actionLabel} (${n.reasonLabel})`),
          )),
    );
  };

  const drawAlerts = (): void => {
    if (alerts === null) {
      alertList.replaceChildren(h('li', {}, 'n/a (the alerts service could not be read)'));
      return;
    }
    const items = [...alerts.values()].sort((a, b) => a.firstSeenAt.localeCompare(b.firstSeenAt));
    alertList.replaceChildren(
      ...(items.length === 0
        ? [h('li', {}, 'none')]
        : items.map((a) =>
            h(
              'li',
              { 'data-alert': a.code, 'data-active': String(a.active) },
              `${timeText(a.firstSeenAt)}: ${alertLevel(a.level)} ${a.code}` +
                `${a.message ? ` - ${a.message}` : ''} (${a.deviceType.startsWith('0-') ? 'aircraft' : 'dock'}, ` +
                `${a.active ? 'active' : `cleared ${timeText(a.clearedAt ?? a.firstSeenAt)}`})`,
            ),
          )),
    );
  };

  let reloadPending = false;
  function scheduleTaskReload(): void {
    if (reloadPending) return;
    reloadPending = true;
    later(() => {
      reloadPending = false;
      void loadTask();
    }, 400);
  }

  async function loadTask(): Promise<void> {
    try {
      const before = task?.state;
      task = await context.api.task(flightId);
      drawTask();
      // A new state is a moment to catch up on alerts the stream may have shown before this page.
      if (before !== task.state) await loadAlerts();
    } catch (failure) {
      showError(failure);
    }
  }

  async function loadAlerts(): Promise<void> {
    try {
      const raised = await context.api.flightAlerts(flightId);
      alerts = new Map(raised.map((a) => [a.id, a]));
    } catch (failure) {
      if (!(failure instanceof ApiError) || failure.status === 401) throw failure;
      alerts = null;
    }
    drawAlerts();
  }

  async function loadAll(): Promise<void> {
    try {
      task = await context.api.task(flightId);
      drawTask();
      const since = (task.createdAt ?? Date.now() - 86_400_000) - 60_000;
      const [progress, path, dock, exits] = await Promise.all([
        context.api.progress(flightId),
        context.api.flightTrajectory(flightId),
        context.api.dock(task.gatewaySn),
        context.api.exitHomingNotices(task.gatewaySn, since),
        // The alerts are a part of the page, not a condition for it.
        loadAlerts(),
      ]);
      timeline = progress;
      trajectory = path;
      // The dock where its osd puts it; else the end of the planned path home.
      home = dock?.position
        ? [dock.position.longitude, dock.position.latitude]
        : path
          ? homeOf(path)
          : null;
      notices = exits;
      error.hidden = true;
      drawProgress();
      drawMap();
      drawNotices();
    } catch (failure) {
      showError(failure);
    }
  }

  function showError(failure: unknown): void {
    error.textContent =
      failure instanceof ApiError && failure.status === 404
        ? `No task ${flightId} in the mission service.`
        : `The flight could not be read: ${describeError(failure)}`;
    error.hidden = false;
  }

  const drawProgressSoon = throttled(drawProgress);
  const offLive = context.onLive((event, data) => {
    const value = (data ?? {}) as Record<string, unknown>;
    if (event === 'progress' && value.flightId === flightId) {
      timeline.push(data as ProgressView);
      drawProgressSoon();
      scheduleTaskReload();
    } else if (event === 'rth' && task && value.flightId === flightId) {
      trajectory = (value.trajectory as TrajectoryFeature | null) ?? null;
      if (trajectory && !home) home = homeOf(trajectory);
      drawMap();
    } else if (event === 'exit_homing' && task && value.gatewaySn === task.gatewaySn) {
      notices.push(data as ExitHomingView);
      drawNotices();
    } else if (event === 'hms' && alerts !== null && value.flightId === flightId) {
      const record = data as HmsLiveRecord;
      alerts.set(record.alertId, {
        id: record.alertId,
        gatewaySn: record.gatewaySn,
        flightId: record.flightId,
        deviceType: record.deviceType,
        code: record.code,
        level: record.level,
        message: record.message,
        active: record.type === 'raised',
        firstSeenAt: new Date(record.firstSeenAt).toISOString(),
        clearedAt: record.clearedAt === null ? null : new Date(record.clearedAt).toISOString(),
      });
      drawAlerts();
    }
  });
  const offReconnected = context.onReconnected(() => void loadAll());
  void loadAll();
  return () => {
    closed = true;
    drawProgressSoon.cancel();
    for (const timer of timers) clearTimeout(timer);
    offLive();
    offReconnected();
  };
};

function refusal(failure: unknown): string {
  if (failure instanceof ApiError) return `refused by the system: ${failure.describe()}`;
  return `failed: ${describeError(failure)}`;
}

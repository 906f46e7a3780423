import type {
  DeviceLiveRecord,
  FleetDock,
  HmsLiveRecord,
  ProgressView,
  TopologyLiveRecord,
} from '../api-types';
import type { View } from '../context';
import { clear, h } from '../dom';
import {
  alertText,
  applyDeviceEvent,
  applyHmsEvent,
  applyTopologyEvent,
  blankDock,
  hasAlerts,
} from '../fleet-model';
import { presence, percentText } from '../format';
import { renderMap, tilesCaption } from '../map/map-view';
import { throttled } from '../throttle';
import { describeError } from './errors';

/**
 * A dock's position comes from its osd, which is stored, not streamed: while some docks have
 * none yet (just set up, no fix), the fleet is read again now and then until they do.
 */
const UNPLACED_REREAD_MS = { first: 3_000, most: 60_000 };

/**
 * The fleet: every dock on a map and in a filterable list (model, firmware, presence, current
 * task and its progress, active HMS alerts), kept current by the live stream and re-read after
 * a reconnection.
 */
export const fleetView: View = (container, context) => {
  const docks = new Map<string, FleetDock>();
  let alertsKnown = false;
  let reread: ReturnType<typeof setTimeout> | null = null;
  let rereadMs = UNPLACED_REREAD_MS.first;
  let loading = false;
  let closed = false;
  const filter = h('input', {
    id: 'fleet-filter',
    type: 'search',
    placeholder: 'SN, model, firmware or task state',
    autocomplete: 'off',
  });
  const presenceFilter = h(
    'select',
    { id: 'fleet-presence' },
    h('option', { value: 'all' }, 'all'),
    h('option', { value: 'online' }, 'online'),
    h('option', { value: 'offline' }, 'offline'),
  );
  const alertFilter = h(
    'select',
    { id: 'fleet-alerts' },
    h('option', { value: 'all' }, 'all'),
    h('option', { value: 'with' }, 'with active alerts'),
    h('option', { value: 'without' }, 'without alerts'),
  );
  const mapBox = h('div', { class: 'map-box' });
  const count = h('p', { id: 'fleet-count', role: 'status', 'aria-live': 'polite' });
  const body = h('tbody');
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const problems = h('ul', { id: 'fleet-problems', class: 'notice', hidden: true });
  container.append(
    h('h2', {}, 'Fleet'),
    h(
      'div',
      { class: 'filters' },
      h('label', { for: 'fleet-filter' }, 'Filter docks'),
      filter,
      h('label', { for: 'fleet-presence' }, 'Presence'),
      presenceFilter,
      h('label', { for: 'fleet-alerts' }, 'HMS alerts'),
      alertFilter,
    ),
    error,
    problems,
    h(
      'figure',
      { class: 'map-figure' },
      mapBox,
      h('figcaption', { id: 'tiles-state' }, tilesCaption(context.config.tileUrl)),
    ),
    count,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { id: 'fleet-table' },
        h('caption', {}, 'Docks of the organization'),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...[
              'Dock',
              'Model',
              'Firmware',
              'Presence',
              'Current task',
              'Progress',
              'HMS alerts',
            ].map((title) => h('th', { scope: 'col' }, title)),
          ),
        ),
        body,
      ),
    ),
  );

  const visible = (): FleetDock[] => {
    const text = filter.value.trim().toLowerCase();
    const wanted = presenceFilter.value;
    const alerts = alertFilter.value;
    return [...docks.values()]
      .filter((dock) => wanted === 'all' || presence(dock.online) === wanted)
      .filter((dock) => alerts === 'all' || hasAlerts(dock) === (alerts === 'with'))
      .filter(
        (dock) =>
          text === '' ||
          [
            dock.sn,
            dock.model ?? '',
            dock.firmwareVersion ?? '',
            dock.callsign ?? '',
            dock.progress?.statusLabel ?? '',
          ]
            .join(' ')
            .toLowerCase()
            .includes(text),
      )
      .sort((a, b) => a.sn.localeCompare(b.sn));
  };

  const drawTable = (): void => {
    const shown = visible();
    count.textContent = `${shown.length} of ${docks.size} docks shown`;
    body.replaceChildren(...shown.map(row));
  };

  const drawMap = (): void => {
    const shown = visible().filter((dock) => dock.position !== null);
    clear(mapBox);
    mapBox.append(
      renderMap({
        title: `Map of ${shown.length} docks with a known position`,
        markers: shown.map((dock) => ({
          id: dock.sn,
          position: dock.position as [number, number],
          label:
            `${dock.sn}: ${presence(dock.online)}` +
            (dock.progress && !dock.progress.final ? `, ${dock.progress.statusLabel}` : '') +
            (hasAlerts(dock) ? `, ${dock.alerts?.length} HMS alerts` : ''),
          kind: dock.online === false ? 'offline' : flying(dock.progress) ? 'flying' : 'online',
        })),
        paths: [],
        tileTemplate: context.config.tileUrl,
      }),
    );
  };

  const draw = (): void => {
    drawTable();
    drawMap();
  };

  const load = async (): Promise<void> => {
    if (loading) return;
    loading = true;
    if (reread !== null) clearTimeout(reread);
    reread = null;
    try {
      const fleet = await context.api.fleet();
      if (closed) return;
      docks.clear();
      for (const dock of fleet.docks) docks.set(dock.sn, dock);
      alertsKnown = !fleet.problems.some((problem) => problem.startsWith('The HMS alerts'));
      error.hidden = true;
      problems.replaceChildren(...fleet.problems.map((problem) => h('li', {}, problem)));
      problems.hidden = fleet.problems.length === 0;
      draw();
    } catch (failure) {
      error.textContent = `The fleet could not be read: ${describeError(failure)}`;
      error.hidden = false;
    } finally {
      loading = false;
    }
    if (!closed && [...docks.values()].some((dock) => dock.position === null)) {
      reread = setTimeout(() => void load(), rereadMs);
      rereadMs = Math.min(rereadMs * 2, UNPLACED_REREAD_MS.most);
    } else {
      rereadMs = UNPLACED_REREAD_MS.first;
    }
  };

  const update = (sn: string, change: (dock: FleetDock) => FleetDock): void => {
    const dock = docks.get(sn) ?? blankDock(sn, alertsKnown);
    docks.set(sn, change(dock));
  };

  const drawTableSoon = throttled(drawTable);
  const drawMapSoon = throttled(drawMap);
  filter.addEventListener('input', draw);
  presenceFilter.addEventListener('change', draw);
  alertFilter.addEventListener('change', draw);
  const offLive = context.onLive((event, data) => {
    const value = data as Record<string, unknown> | null;
    const sn = typeof value?.gatewaySn === 'string' ? value.gatewaySn : null;
    if (!sn) return;
    const fresh = !docks.has(sn);
    if (event === 'progress') {
      update(sn, (dock) => ({ ...dock, progress: data as ProgressView }));
    } else if (event === 'topology') {
      update(sn, (dock) => applyTopologyEvent(dock, data as TopologyLiveRecord));
    } else if (event === 'device') {
      update(sn, (dock) => applyDeviceEvent(dock, data as DeviceLiveRecord));
      drawMapSoon();
    } else if (event === 'hms') {
      update(sn, (dock) => applyHmsEvent(dock, data as HmsLiveRecord));
      drawMapSoon();
    } else {
      return;
    }
    // A dock the list did not have: its position (and registry data) come with a re-read.
    if (fresh) void load();
    drawTableSoon();
  });
  const offReconnected = context.onReconnected(() => void load());
  void load();
  return () => {
    closed = true;
    if (reread !== null) clearTimeout(reread);
    drawTableSoon.cancel();
    drawMapSoon.cancel();
    offLive();
    offReconnected();
  };
};

function row(dock: FleetDock): HTMLTableRowElement {
  const progress = dock.progress;
  const active = progress !== null;
  const task = active
    ? h(
        'a',
        { href: `#/flight/${encodeURIComponent(progress.flightId)}` },
        `${progress.statusLabel}${progress.currentStepLabel ? ` - ${progress.currentStepLabel}` : ''}` +
          // What went wrong, in the dock's own terms (the code's meaning from @dock/protocol).
          (progress.result !== 0 ? ` (${progress.result}: ${progress.resultMeaning})` : ''),
      )
    : 'none';
  const percent = progress?.percent ?? null;
  const alerts = dock.alerts;
  return h(
    'tr',
    { 'data-dock': dock.sn },
    h(
      'th',
      { scope: 'row' },
      dock.sn,
      // The registry's default callsign is the SN itself: shown only when it says more.
      dock.callsign && dock.callsign !== dock.sn ? ` (${dock.callsign})` : '',
    ),
    h(
      'td',
      {},
      dock.model ?? 'unknown',
      dock.aircraftModel ? h('span', { class: 'sub' }, ` with ${dock.aircraftModel}`) : '',
    ),
    h('td', {}, dock.firmwareVersion ?? 'unknown'),
    h('td', {}, h('span', { class: `badge ${presence(dock.online)}` }, presence(dock.online))),
    h('td', { class: 'task' }, task),
    h(
      'td',
      {},
      percent === null
        ? '-'
        : h('progress', { max: 100, value: percent, 'aria-label': `${dock.sn} progress` }),
      percent === null ? '' : ` ${percentText(percent)}`,
    ),
    h(
      'td',
      { class: 'alerts', 'data-alerts': alerts === null ? 'unknown' : String(alerts.length) },
      alerts === null
        ? 'n/a'
        : alerts.length === 0
          ? 'none'
          : h(
              'span',
              {},
              h('span', { class: 'badge alert' }, `${alerts.length} active`),
              ' ',
              alerts.map(alertText).join('; '),
            ),
    ),
  );
}

function flying(progress: ProgressView | null): boolean {
  return progress !== null && !progress.final;
}

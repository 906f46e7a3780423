import { homeOf } from '../api-client';
import type { FleetDock, ProgressView, TrajectoryFeature } from '../api-types';
import type { View } from '../context';
import { clear, h } from '../dom';
import { presence, percentText } from '../format';
import { renderMap, tilesCaption } from '../map/map-view';
import { throttled } from '../throttle';
import { describeError } from './errors';

/**
 * The fleet: every dock on a map and in a filterable list (presence, current task and its
 * progress, alerts), kept current by the live stream and re-read after a reconnection.
 */
export const fleetView: View = (container, context) => {
  const docks = new Map<string, FleetDock>();
  const filter = h('input', {
    id: 'fleet-filter',
    type: 'search',
    placeholder: 'SN, model or task state',
    autocomplete: 'off',
  });
  const presenceFilter = h(
    'select',
    { id: 'fleet-presence' },
    h('option', { value: 'all' }, 'all'),
    h('option', { value: 'online' }, 'online'),
    h('option', { value: 'offline' }, 'offline'),
  );
  const mapBox = h('div', { class: 'map-box' });
  const count = h('p', { id: 'fleet-count', role: 'status', 'aria-live': 'polite' });
  const body = h('tbody');
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  container.append(
    h('h2', {}, 'Fleet'),
    h(
      'div',
      { class: 'filters' },
      h('label', { for: 'fleet-filter' }, 'Filter docks'),
      filter,
      h('label', { for: 'fleet-presence' }, 'Presence'),
      presenceFilter,
    ),
    error,
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
            ...['Dock', 'Model', 'Presence', 'Current task', 'Progress', 'HMS alerts'].map(
              (title) => h('th', { scope: 'col' }, title),
            ),
          ),
        ),
        body,
      ),
    ),
  );

  const visible = (): FleetDock[] => {
    const text = filter.value.trim().toLowerCase();
    const wanted = presenceFilter.value;
    return [...docks.values()]
      .filter((dock) => wanted === 'all' || presence(dock.online) === wanted)
      .filter(
        (dock) =>
          text === '' ||
          [dock.sn, dock.model ?? '', dock.callsign ?? '', dock.progress?.statusLabel ?? '']
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
          label: `${dock.sn}: ${presence(dock.online)}${dock.progress && !dock.progress.final ? `, ${dock.progress.statusLabel}` : ''}`,
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
    try {
      const fleet = await context.api.fleet();
      docks.clear();
      for (const dock of fleet) docks.set(dock.sn, dock);
      error.hidden = true;
      draw();
    } catch (failure) {
      error.textContent = `The fleet could not be read: ${describeError(failure)}`;
      error.hidden = false;
    }
  };

  const update = (sn: string, change: (dock: FleetDock) => FleetDock): void => {
    const dock = docks.get(sn) ?? blankDock(sn);
    docks.set(sn, change(dock));
  };

  const drawTableSoon = throttled(drawTable);
  const drawMapSoon = throttled(drawMap);
  filter.addEventListener('input', draw);
  presenceFilter.addEventListener('change', draw);
  const offLive = context.onLive((event, data) => {
    const value = data as Record<string, unknown>;
    const sn = typeof value?.gatewaySn === 'string' ? value.gatewaySn : null;
    if (event === 'progress' && sn) {
      update(sn, (dock) => ({ ...dock, progress: data as ProgressView }));
      drawTableSoon();
    } else if (event === 'topology' && sn) {
      const fresh = !docks.has(sn);
      update(sn, (dock) => ({
        ...dock,
        online: value.dockOnline as boolean,
        aircraftSn: (value.aircraftSn as string | null) ?? null,
      }));
      if (fresh) drawMapSoon();
      drawTableSoon();
    } else if (event === 'rth') {
      const trajectory = value?.trajectory as TrajectoryFeature | null;
      const home = trajectory ? homeOf(trajectory) : null;
      const dockSn = trajectory?.properties.gatewaySn;
      if (home && dockSn) {
        update(dockSn, (dock) => ({ ...dock, position: home }));
        drawMapSoon();
      }
    }
  });
  const offReconnected = context.onReconnected(() => void load());
  void load();
  return () => {
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
  return h(
    'tr',
    { 'data-dock': dock.sn },
    h('th', { scope: 'row' }, dock.sn, dock.callsign ? ` (${dock.callsign})` : ''),
    h('td', {}, dock.model ?? 'unknown'),
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
      {},
      dock.alerts === null
        ? 'n/a'
        : dock.alerts.length === 0
          ? 'none'
          : dock.alerts.map((a) => `${a.level}: ${a.message}`).join('; '),
    ),
  );
}

function flying(progress: ProgressView | null): boolean {
  return progress !== null && !progress.final;
}

function blankDock(sn: string): FleetDock {
  return {
    sn,
    model: null,
    callsign: null,
    online: null,
    aircraftSn: null,
    progress: null,
    alerts: null,
    position: null,
  };
}

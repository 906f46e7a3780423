import { parseCli } from '../../../../apps/dock-simulator/src/cli/parse-args';
import { Fleet, SimulatedDock, startFleet } from '../../../../apps/dock-simulator/src';

export interface StartedDock {
  readonly fleet: Fleet;
  readonly dock: SimulatedDock;
}

/**
 * One dock of the real simulator, configured by its command line (`--organization-id`,
 * `--binding-code`, `--credentials`, `--silent-after`...) exactly as an operator would run
 * `npm run simulate -- ...`: the options go through the CLI's own parser, then the library.
 */
export async function startSimulatedDock(args: readonly string[]): Promise<StartedDock> {
  const parsed = parseCli(['--docks', '1', '--log-level', 'silent', ...args], {});
  if (parsed.kind !== 'run') {
    throw new Error(`the simulator refused ${args.join(' ')}: ${JSON.stringify(parsed)}`);
  }
  const fleet = await startFleet(parsed.settings.fleet);
  const dock = fleet.docks[0];
  if (dock === undefined) throw new Error('the fleet started no dock');
  return { fleet, dock };
}

import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { sampleKmz } from '@dock/wpml';
import pino from 'pino';
// The logger factory alone: the platform's index would load Nest, TypeORM and Kafka into a CLI.
import { createLogger } from '../../../libs/platform/src/logging/create-logger';
import { startProgressDisplay } from './adapters/terminal-progress';
import { parseCli } from './cli/parse-args';
import { USAGE } from './cli/usage';
import { createFleet } from './fleet/fleet';
import { formatReport } from './report/format-report';

/** `node dist/apps/dock-simulator/main.js --docks 100 ...`: see README.md and --help. */

const EX_USAGE = 64;

async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'sample-kmz') return writeSampleKmz(argv[1], Number(argv[2] ?? 8));
  const parsed = parseCli(argv, process.env);
  if (parsed.kind === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`dock-simulator: ${parsed.message}\n(see --help)\n`);
    return EX_USAGE;
  }
  const settings = parsed.settings;
  const logger = createLogger({
    service: 'dock-simulator',
    level: settings.logLevel,
    destination: pino.destination(2),
  });
  const fleet = createFleet({ ...settings.fleet, logger });
  const display = startProgressDisplay({ read: () => fleet.progress() });

  const finished = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('interrupted'));
    process.once('SIGTERM', () => resolve('terminated'));
    if (settings.durationS !== null) {
      setTimeout(() => resolve('duration reached'), settings.durationS * 1000);
    }
    if (settings.untilIdle) {
      const poll = setInterval(() => {
        if (fleet.isIdle()) {
          clearInterval(poll);
          resolve('idle');
        }
      }, 500);
    }
  });

  const connecting = fleet.start().then((summary) => {
    if (summary.failed > 0) {
      logger.warn({ ...summary }, 'some docks did not connect (they keep retrying)');
    }
    return summary;
  });
  const why = await finished;
  const summary = await Promise.race([connecting, Promise.resolve(null)]);
  const report = await fleet.stop();
  display.stop();

  process.stdout.write(`${formatReport(report)}\n(stopped: ${why})\n`);
  if (settings.reportJson !== null) {
    await writeFile(settings.reportJson, `${JSON.stringify(report, null, 2)}\n`);
  }
  const noDock = summary !== null && summary.connected === 0;
  const problems = report.replies.missingTotal > 0 || report.docks.connectFailures > 0;
  return noDock || (settings.strict && problems) ? 1 : 0;
}

/** `sample-kmz FILE [WAYPOINTS]`: a valid DJI wayline to upload when trying the system. */
async function writeSampleKmz(file: string | undefined, waypoints: number): Promise<number> {
  if (!file || !Number.isInteger(waypoints) || waypoints < 1 || waypoints > 500) {
    process.stderr.write('dock-simulator: usage: sample-kmz FILE [WAYPOINTS 1..500]\n');
    return EX_USAGE;
  }
  const kmz = await sampleKmz({ waypoints, author: `sample ${new Date().toISOString()}` });
  await writeFile(file, kmz);
  const md5 = createHash('md5').update(kmz).digest('hex');
  process.stdout.write(`${file}: ${kmz.length} bytes, ${waypoints} waypoints, MD5 ${md5}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `dock-simulator: ${error instanceof Error ? error.stack : String(error)}\n`,
    );
    process.exit(1);
  },
);

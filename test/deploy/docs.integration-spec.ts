/**
 * The documentation of the deployment against the deployment: every service's port where
 * operators look it up (README's table of `npm run start:services`, deploy/README.md's table of
 * the compose stack's host ports), so a service added to one and not the other fails here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadCompose } from './support/compose';
import { CONFIG_SCHEMAS, REQUIRED_SETTINGS, SERVICES } from './support/config-schemas';
import { ROOT } from './support/k8s';

const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** The rows of the first Markdown table after `heading`, as cells. */
function tableAfter(text: string, heading: string): string[][] {
  const start = text.indexOf(heading);
  if (start < 0) throw new Error(`no "${heading}"`);
  const lines = text.slice(start).split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const rows: string[][] = [];
  for (const line of lines.slice(first)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  }
  return rows.slice(2); // header and separator
}

describe('deployment documentation', () => {
  it("lists every service with its port in README.md's table of start:services", () => {
    const rows = tableAfter(
      read('README.md'),
      '`npm run start:services` runs the production shape',
    );
    for (const service of SERVICES) {
      const port = CONFIG_SCHEMAS[service].parse({
        NODE_ENV: 'test',
        ...REQUIRED_SETTINGS,
      }).HTTP_PORT;
      const row = rows.find(([name]) => name === service);
      expect(`${service}: ${row?.[1].split(' ')[0]}`).toBe(`${service}: ${port}`);
    }
  });

  it("lists every compose service's published port in deploy/README.md", () => {
    const rows = tableAfter(read('deploy/README.md'), '## docker-compose');
    const compose = loadCompose();
    for (const [name, service] of Object.entries(compose.services)) {
      if (!SERVICES.includes(service.command?.[0] as never)) continue;
      for (const published of (service.ports as string[]) ?? []) {
        const hostPort = published.split(':')[0];
        const row = rows.find(
          ([ports, what]) =>
            ports.split(/,\s*/).includes(hostPort) && new RegExp(`\\b${name}\\b`).test(what),
        );
        expect(`${name} ${hostPort}: ${row !== undefined}`).toBe(`${name} ${hostPort}: true`);
      }
    }
  });
});

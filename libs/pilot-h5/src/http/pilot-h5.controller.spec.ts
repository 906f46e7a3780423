import { HttpException } from '@nestjs/common';
import { DEFAULT_ORGANIZATION_ID } from '@dock/contracts';
import { setRequestPrincipal } from '@dock/platform';
import pino from 'pino';
import { Writable } from 'node:stream';
import {
  PilotBootstrap,
  PilotBootstrapRefused,
  PilotBootstrapSource,
  PilotBootstrapUnavailable,
} from '../domain/pilot-bootstrap';
import { createPilotH5Controller } from './pilot-h5.controller';

const valid: PilotBootstrap = {
  license: { appId: '151234', appKey: 'app-key-value', license: 'licence-value' },
  mqtt: { host: 'tcp://192.0.2.7:1883', username: 'u', password: 'mqtt-password-value' },
  api: { host: 'https://cloud.example.com', token: 'api-token-value' },
  organization: { id: '00000000-0000-4000-8000-000000000001', name: 'Site North' },
};

type Bootstrapper = {
  bootstrap(request: { headers: Record<string, string> }, authorization?: string): Promise<unknown>;
};

function controllerWith(source: PilotBootstrapSource) {
  const lines: string[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  const Controller = createPilotH5Controller({
    prefix: '/pilot',
    platformName: 'Dock fleet cloud',
    thingCallback: 'cb',
    thingTimeoutMs: 5000,
  }) as unknown as new (source: PilotBootstrapSource, logger: pino.Logger) => Bootstrapper;
  const controller = new Controller(source, logger);
  return {
    // A request with the given headers, as the guard lets it in with AUTH_DISABLED (the
    // organization scope then reads X-Organization-Id).
    controller: {
      bootstrap: (authorization?: string, headers: Record<string, string> = {}) => {
        const request = { headers };
        setRequestPrincipal(request as never, { role: 'anonymous' });
        return controller.bootstrap(request, authorization);
      },
    },
    lines,
  };
}

async function refusalOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpException);
  const http = error as HttpException;
  return { status: http.getStatus(), body: http.getResponse() };
}

describe('the bootstrap route', () => {
  it('sends the known fields only, with the platform name', async () => {
    const { controller } = controllerWith({
      bootstrapFor: async () => ({ ...valid, internalNote: 'not for Pilot' }) as PilotBootstrap,
    });
    await expect(controller.bootstrap('Bearer t')).resolves.toEqual({
      platformName: 'Dock fleet cloud',
      ...valid,
    });
  });

  it('passes the caller token to the source', async () => {
    const seen: string[] = [];
    const { controller } = controllerWith({
      bootstrapFor: async (caller) => {
        seen.push(caller.token);
        return valid;
      },
    });
    await controller.bootstrap('Bearer callers-token');
    expect(seen).toEqual(['callers-token']);
  });

  it("passes the request's organization (default, or X-Organization-Id)", async () => {
    const seen: string[] = [];
    const { controller } = controllerWith({
      bootstrapFor: async (caller) => {
        seen.push(caller.organizationId);
        return valid;
      },
    });
    await controller.bootstrap('Bearer t');
    await controller.bootstrap('Bearer t', { 'x-organization-id': valid.organization.id });
    expect(seen).toEqual([DEFAULT_ORGANIZATION_ID, valid.organization.id]);
  });

  it("answers 503 with the source's code and message when the system is not set up", async () => {
    const { controller, lines } = controllerWith({
      bootstrapFor: async () => {
        throw new PilotBootstrapUnavailable('pilot_settings_missing', 'set DJI_APP_ID');
      },
    });
    await expect(refusalOf(controller.bootstrap('Bearer t'))).resolves.toEqual({
      status: 503,
      body: { statusCode: 503, code: 'pilot_settings_missing', message: 'set DJI_APP_ID' },
    });
    expect(lines.join('')).toContain('set DJI_APP_ID');
  });

  it('answers 401 without a bearer token (auth disabled lets the request this far)', async () => {
    const { controller } = controllerWith({ bootstrapFor: async () => valid });
    await expect(refusalOf(controller.bootstrap(undefined))).resolves.toEqual({
      status: 401,
      body: { statusCode: 401, code: 'token_required', message: 'a bearer token is required' },
    });
  });

  it("turns the source's refusal into a 403 with its code", async () => {
    const { controller } = controllerWith({
      bootstrapFor: async () => {
        throw new PilotBootstrapRefused('no_organization', 'this token belongs to no organization');
      },
    });
    await expect(refusalOf(controller.bootstrap('Bearer t'))).resolves.toEqual({
      status: 403,
      body: {
        statusCode: 403,
        code: 'no_organization',
        message: 'this token belongs to no organization',
      },
    });
  });

  it('answers 503 when the source fails, and logs why', async () => {
    const { controller, lines } = controllerWith({
      bootstrapFor: async () => {
        throw new Error('registry database unreachable');
      },
    });
    const { status, body } = await refusalOf(controller.bootstrap('Bearer t'));
    expect(status).toBe(503);
    expect(body).toMatchObject({ code: 'pilot_bootstrap_unavailable' });
    expect(lines.join('')).toContain('registry database unreachable');
  });

  it('answers 503 naming unusable fields, never their values, in the answer or the log', async () => {
    const { controller, lines } = controllerWith({
      bootstrapFor: async () => ({ ...valid, mqtt: { ...valid.mqtt, host: 'mqtts://b:8883' } }),
    });
    const { status, body } = await refusalOf(controller.bootstrap('Bearer t'));
    expect(status).toBe(503);
    expect(body).toEqual({
      statusCode: 503,
      code: 'pilot_settings_invalid',
      message:
        'the Pilot settings of this system are not usable: mqtt.host must be tcp://host:port ' +
        'or ws://host:port[/path] (what Pilot accepts)',
    });
    const logged = lines.join('');
    expect(logged).toContain('mqtt.host');
    for (const value of [
      'app-key-value',
      'licence-value',
      'mqtt-password-value',
      'api-token-value',
    ])
      expect(logged).not.toContain(value);
  });
});

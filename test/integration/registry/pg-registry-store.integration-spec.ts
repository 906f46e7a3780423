import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { createLogger, createPostgresDataSource } from '@dock/platform';
import { PgRegistryStore } from '../../../apps/registry/src/adapters/postgres/pg-registry-store';
import { REGISTRY_MIGRATIONS } from '../../../apps/registry/src/adapters/postgres/registry-schema';
import { OrganizationService } from '../../../apps/registry/src/application/organization-service';
import { hashBindingCode } from '../../../apps/registry/src/domain/binding-code';
import { infraSettings, uniqueName } from '../../support/infra-settings';

const DOCKS = 25;

/**
 * The store on real PostgreSQL, where transactions race: a dock's first update_topo and its
 * airport_organization_bind arrive on different topics, so different consumers write the same
 * new device row at the same moment. Neither may overwrite the other.
 */
describe('PgRegistryStore under concurrent writers', () => {
  let dataSource: DataSource;
  const schema = uniqueName('registry_store', '_');

  beforeAll(async () => {
    dataSource = await createPostgresDataSource({
      url: infraSettings.databaseUrl,
      schema,
      entities: [],
      migrations: REGISTRY_MIGRATIONS,
      logger: createLogger({ service: 'registry-store-test', level: 'silent' }),
      poolSize: 8,
    });
  }, 60_000);

  afterAll(async () => {
    await dataSource?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource?.destroy();
  });

  it('keeps both the binding and the presence of a device first written by two transactions', async () => {
    const store = new PgRegistryStore(dataSource, { deviceEventsTopic: 'registry.device-events' });
    const organizations = new OrganizationService(store);
    const organization = await organizations.create('Race');
    const { code } = await organizations.issueCode(organization.id, null);
    const now = Date.now();
    const sns = Array.from({ length: DOCKS }, (_, i) => `RACE${i}-${schema}`.slice(0, 60));
    await Promise.all(
      sns.flatMap((sn) => [
        store.bind({
          gatewaySn: sn,
          tid: randomUUID(),
          now,
          devices: [
            {
              sn,
              organizationId: organization.id,
              callsign: `cs-${sn}`,
              modelKey: '3-3-0',
              codeHash: hashBindingCode(code),
            },
          ],
        }),
        store.applyTopology({ gatewaySn: sn, gatewayModelKey: '3-3-0', subDevices: [], at: now }),
        store.recordHeard({
          gateways: new Map([[sn, now]]),
          devices: new Map([[sn, now]]),
          firmware: new Map([[sn, '10.1']]),
        }),
      ]),
    );
    const devices = await store.findDevices(sns);
    expect(devices).toHaveLength(DOCKS);
    for (const device of devices) {
      expect(device).toMatchObject({
        organizationId: organization.id,
        callsign: `cs-${device.sn}`,
        online: true,
        role: 'gateway',
        modelKey: '3-3-0',
      });
    }
    // One binding and one presence-online event per dock, whoever inserted the row.
    const rows = (await dataSource.query(`SELECT payload FROM outbox`)) as {
      payload: { kind: string; deviceSn: string; online?: boolean };
    }[];
    const count = (kind: string) => rows.filter((r) => r.payload.kind === kind).length;
    expect(count('binding')).toBe(DOCKS);
    expect(rows.filter((r) => r.payload.kind === 'presence' && r.payload.online)).toHaveLength(
      DOCKS,
    );
  }, 60_000);
});

import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEV_LICENCE_FILE, dockLicence, licenceBanner } from './dev-licence';

describe('the embedded mode dock licence', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'dev-licence-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a random development licence once, mode 0600, and keeps it across restarts', async () => {
    const first = await dockLicence(dir, {});
    expect(first.kind).toBe('development');
    expect(Object.keys(first.gatewayEnv).sort()).toEqual([
      'DJI_APP_ID',
      'DJI_APP_KEY',
      'DJI_APP_LICENSE',
    ]);
    expect(statSync(path.join(dir, DEV_LICENCE_FILE)).mode & 0o777).toBe(0o600);
    const again = await dockLicence(dir, {});
    expect(again.gatewayEnv).toEqual(first.gatewayEnv);

    const other = mkdtempSync(path.join(tmpdir(), 'dev-licence-'));
    try {
      expect((await dockLicence(other, {})).gatewayEnv).not.toEqual(first.gatewayEnv);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
    const text = licenceBanner(first, {});
    expect(text).toContain('good only for simulated docks');
    expect(text).toContain('https://developer.dji.com/');
    expect(text).not.toContain(first.gatewayEnv.DJI_APP_KEY as string);
  });

  it('uses a configured licence as it is and shows it redacted', async () => {
    const env = { DJI_APP_ID: '123456', DJI_APP_KEY: 'secret-key-1', DJI_APP_LICENSE: 'lic-9' };
    const licence = await dockLicence(dir, env);
    expect(licence).toEqual({ kind: 'configured', gatewayEnv: {} });
    const text = licenceBanner(licence, env);
    expect(text).not.toContain('secret-key-1');
    expect(text).not.toContain('lic-9');
    expect(text).toContain('DJI_APP_KEY=se… (12 characters)');
    expect(() => statSync(path.join(dir, DEV_LICENCE_FILE))).toThrow();
  });

  it('refuses a damaged licence file, naming it', async () => {
    writeFileSync(path.join(dir, DEV_LICENCE_FILE), '{"DJI_APP_ID": 1}');
    await expect(dockLicence(dir, {})).rejects.toThrow(DEV_LICENCE_FILE);
  });
});

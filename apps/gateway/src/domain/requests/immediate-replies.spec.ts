import { PendingRequest } from '../pending/pending-entries';
import {
  configReplyData,
  decideRequest,
  methodLabel,
  missingLicenceSettings,
} from './immediate-replies';
import { requestsReplyFor } from './request-replies';

const NOW = 1_700_000_000_000;

describe('config settings', () => {
  it('sends the NTP server only when one is set, and empty licence fields when unset', () => {
    expect(configReplyData({ ntpServerPort: 123 })).toEqual({
      app_id: '',
      app_key: '',
      app_license: '',
    });
    expect(
      configReplyData({
        appId: 'a',
        appKey: 'k',
        appLicense: 'l',
        ntpServerHost: 'ntp.local',
        ntpServerPort: 1123,
      }),
    ).toEqual({
      ntp_server_host: 'ntp.local',
      ntp_server_port: 1123,
      app_id: 'a',
      app_key: 'k',
      app_license: 'l',
    });
  });

  it('names the unset licence settings', () => {
    expect(missingLicenceSettings({ ntpServerPort: 123, appKey: 'k' })).toEqual([
      'DJI_APP_ID',
      'DJI_APP_LICENSE',
    ]);
    expect(
      missingLicenceSettings({ appId: 'a', appKey: 'k', appLicense: 'l', ntpServerPort: 123 }),
    ).toEqual([]);
  });
});

describe('decideRequest', () => {
  const target = (method: string) => ({ gatewaySn: 'SN1', tid: 't', bid: 'b', method });
  const settings = { appId: 'a', appKey: 'k', appLicense: 'l', ntpServerPort: 123 };

  it('forwards the requests a service answers', () => {
    for (const method of [
      'flighttask_resource_get',
      'airport_bind_status',
      'airport_organization_get',
      'airport_organization_bind',
    ]) {
      expect(decideRequest(target(method), settings, NOW)).toEqual({ kind: 'forward' });
    }
  });

  it('answers config and unknown methods itself', () => {
    expect(decideRequest(target('config'), settings, NOW)).toMatchObject({
      kind: 'reply',
      reply: { outcome: 'gateway', method: 'config' },
    });
    expect(decideRequest(target('constructor'), settings, NOW)).toMatchObject({
      kind: 'reply',
      reply: { outcome: 'not_supported' },
    });
  });

  it('labels metrics with the protocol methods only', () => {
    expect(methodLabel('config')).toBe('config');
    expect(methodLabel('airport_bind_status')).toBe('airport_bind_status');
    expect(methodLabel('made_up_by_firmware_99')).toBe('other');
  });
});

describe('requestsReplyFor (answers from a service)', () => {
  const pending = (method: string): PendingRequest => ({
    gatewaySn: 'SN1',
    tid: 't',
    bid: 'b',
    method,
    receivedAt: NOW - 100,
    deadline: NOW + 1000,
  });

  it('sends a valid registry answer as it came', () => {
    const data = { result: 0, output: { organization_name: 'North' } };
    const message = requestsReplyFor(pending('airport_organization_get'), data, NOW);
    expect(message).toMatchObject({ asAnswered: true, outcome: 'service' });
    expect(JSON.parse(message?.payload ?? '{}')).toMatchObject({ data });
  });

  it("turns a broken answer into the method's failure result, with the reason", () => {
    const message = requestsReplyFor(
      pending('airport_bind_status'),
      { result: 0, output: { bind_status: 'bound' } },
      NOW,
    );
    expect(message).toMatchObject({ asAnswered: false, outcome: 'answer_refused' });
    expect(message?.error).toContain('data.output.bind_status');
    expect(JSON.parse(message?.payload ?? '{}')).toMatchObject({ data: { result: 210231 } });
  });

  it('tells the dock its failure result when nothing came (314013 for the KMZ URL)', () => {
    const message = requestsReplyFor(pending('flighttask_resource_get'), undefined, NOW);
    expect(message).toMatchObject({ asAnswered: false, outcome: 'unanswered' });
    expect(JSON.parse(message?.payload ?? '{}')).toMatchObject({ data: { result: 314013 } });
  });
});

import { dockKeyPrefix, flightKeyPrefix } from './object-keys';
import { evaluatePutAllowed, grantOfPolicy, uploadPolicy } from './session-policy';

describe('upload session policy', () => {
  const grant = { bucket: 'media', prefixes: ['org/DOCK/F1/', 'org/DOCK/F2/'] };

  it('round-trips through the policy document STS gets', () => {
    const document = JSON.stringify(uploadPolicy(grant));
    expect(document.length).toBeLessThan(2048);
    expect(grantOfPolicy(document)).toEqual(grant);
  });

  it('allows PUT only under the prefixes of its bucket', () => {
    expect(evaluatePutAllowed(grant, 'media', 'org/DOCK/F1/a.jpeg')).toBe(true);
    expect(evaluatePutAllowed(grant, 'media', 'org/DOCK/F3/a.jpeg')).toBe(false);
    expect(evaluatePutAllowed(grant, 'other', 'org/DOCK/F1/a.jpeg')).toBe(false);
    expect(evaluatePutAllowed(grant, 'media', 'org/DOCK/F1/../F3/a.jpeg')).toBe(false);
    expect(evaluatePutAllowed(grant, 'media', 'org/DOCK/F1')).toBe(false);
  });

  it('refuses documents it did not write', () => {
    expect(grantOfPolicy('not json')).toBeNull();
    expect(
      grantOfPolicy(
        '{"Statement":[{"Effect":"Allow","Action":["s3:PutObject"],"Resource":["*"]}]}',
      ),
    ).toBeNull();
    expect(grantOfPolicy('{}')).toBeNull();
  });

  it('keeps every key segment inside its prefix', () => {
    const dock = dockKeyPrefix('media/', 'org-1', 'DOCK/../X');
    expect(dock).toBe('media/org-1/DOCK_.._X/');
    expect(flightKeyPrefix(dock, '..')).toBe(`${dock}_../`);
  });
});

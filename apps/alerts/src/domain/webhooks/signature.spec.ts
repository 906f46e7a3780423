import { createHmac } from 'node:crypto';
import { generateWebhookSecret, signWebhook, verifyWebhook } from './signature';

describe('webhook signature', () => {
  const secret = 'whsec_test-secret';
  const body = '{"id":"e1","type":"device.online"}';

  it('is v1=hex HMAC-SHA256 over "<timestamp>.<body>"', () => {
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(signWebhook(secret, 1_700_000_000, body)).toBe(`v1=${expected}`);
  });

  it('verifies within the window, refuses a changed body, another secret or an old timestamp', () => {
    const signature = signWebhook(secret, 1_700_000_000, body);
    const headers = { timestamp: '1700000000', signature };
    expect(verifyWebhook(secret, headers, body, 1_700_000_100)).toBe(true);
    expect(verifyWebhook(secret, headers, `${body} `, 1_700_000_100)).toBe(false);
    expect(verifyWebhook('other', headers, body, 1_700_000_100)).toBe(false);
    expect(verifyWebhook(secret, headers, body, 1_700_000_301)).toBe(false);
    expect(verifyWebhook(secret, { timestamp: 'x', signature }, body, 1_700_000_000)).toBe(false);
  });

  it('generates distinct secrets of 256 bits', () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(generateWebhookSecret()).not.toBe(a);
  });
});

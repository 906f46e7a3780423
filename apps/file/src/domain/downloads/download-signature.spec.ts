import { DownloadSignature } from './download-signature';

describe('DownloadSignature', () => {
  let now = 1_700_000_000_000;
  const signer = new DownloadSignature('a-test-key-of-enough-length', () => now);
  const expires = 1_700_000_600;

  it('accepts its own signature until the expiry', () => {
    const signature = signer.sign('w1', expires);
    expect(signer.verify('w1', String(expires), signature)).toBe('valid');
    now = expires * 1000;
    expect(signer.verify('w1', String(expires), signature)).toBe('expired');
    now = 1_700_000_000_000;
  });

  it('refuses a signature moved to another file, another expiry or another key', () => {
    const signature = signer.sign('w1', expires);
    expect(signer.verify('w2', String(expires), signature)).toBe('invalid');
    expect(signer.verify('w1', String(expires + 1), signature)).toBe('invalid');
    const other = new DownloadSignature('another-key-of-enough-length', () => now);
    expect(other.verify('w1', String(expires), signature)).toBe('invalid');
  });

  it('refuses missing, truncated and malformed parameters', () => {
    const signature = signer.sign('w1', expires);
    expect(signer.verify('w1', undefined, signature)).toBe('invalid');
    expect(signer.verify('w1', String(expires), undefined)).toBe('invalid');
    expect(signer.verify('w1', String(expires), signature.slice(1))).toBe('invalid');
    expect(signer.verify('w1', '1e12', signature)).toBe('invalid');
    expect(signer.verify('w1', `${expires}`, `${signature.slice(0, -1)}A`)).not.toBe('valid');
  });

  it('refuses a key too short to be a secret', () => {
    expect(() => new DownloadSignature('short')).toThrow(/at least 16/);
  });
});

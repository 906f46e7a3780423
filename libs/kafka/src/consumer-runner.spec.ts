import { KafkaJSNonRetriableError, KafkaJSProtocolError } from 'kafkajs';
import { isLostMembership } from './consumer-runner';

describe('isLostMembership', () => {
  const protocolError = (type: string) =>
    new KafkaJSProtocolError({ type, code: 0, retriable: false, message: type } as never);

  it.each(['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION', 'REBALANCE_IN_PROGRESS'])(
    'recognises %s, also wrapped by a retrier',
    (type) => {
      expect(isLostMembership(protocolError(type))).toBe(true);
      // kafkajs's retrier wraps the protocol error and keeps it as the cause.
      const wrapped = Object.assign(new KafkaJSNonRetriableError('wrapped'), {
        cause: protocolError(type),
      });
      expect(isLostMembership(wrapped)).toBe(true);
    },
  );

  it('leaves every other failure to the normal path', () => {
    expect(isLostMembership(protocolError('UNKNOWN_TOPIC_OR_PARTITION'))).toBe(false);
    expect(isLostMembership(new Error('database down'))).toBe(false);
    expect(isLostMembership(undefined)).toBe(false);
    expect(isLostMembership('UNKNOWN_MEMBER_ID')).toBe(false);
  });
});

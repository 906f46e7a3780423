import {
  KafkaJSConnectionError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
} from 'kafkajs';
import { MaxRetriesPerRequestError } from 'ioredis/built/errors';
import { QueryRunnerAlreadyReleasedError } from 'typeorm';
import { classifyConsumerError, withClassifier } from './consumer-errors';

/** What pg / typeorm throw: the SQLSTATE in `code`, the driver's error kept as `driverError`. */
function pgError(code: string, message: string): Error {
  const driverError = Object.assign(new Error(message), { code });
  return Object.assign(new Error(message), { name: 'QueryFailedError', code, driverError });
}

describe('classifyConsumerError', () => {
  it.each([
    [
      'an unreachable database',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    ],
    ['a dropped connection', new Error('Connection terminated unexpectedly')],
    ['a pool that cannot connect in time', new Error('timeout exceeded when trying to connect')],
    [
      'an admin shutdown (57P01)',
      pgError('57P01', 'terminating connection due to administrator command'),
    ],
    ['a connection exception class (08006)', pgError('08006', 'connection failure')],
    ['too many clients (53300)', pgError('53300', 'sorry, too many clients already')],
    ['a deadlock (40P01)', pgError('40P01', 'deadlock detected')],
    ['Kafka not reachable', new KafkaJSConnectionError('Connection error: connect ECONNREFUSED')],
    [
      'Kafka retries exhausted',
      new KafkaJSNumberOfRetriesExceeded(new Error('x'), { retryCount: 5, retryTime: 100 }),
    ],
    [
      'a retriable Kafka protocol error',
      new KafkaJSProtocolError({
        type: 'LEADER_NOT_AVAILABLE',
        code: 5,
        retriable: true,
        message: 'no leader',
      } as never),
    ],
    [
      'an AggregateError of refused addresses',
      Object.assign(
        new AggregateError([Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })], ''),
        {},
      ),
    ],
    [
      'a wrapped cause',
      new Error('store failed', {
        cause: Object.assign(new Error('reset'), { code: 'ECONNRESET' }),
      }),
    ],
    ['a released typeorm query runner', new QueryRunnerAlreadyReleasedError()],
    ['ioredis giving up on a request', new MaxRetriesPerRequestError(20)],
    ['a pg client closed under the handler', new Error('Client was closed and is not queryable')],
    ['a handler aborted at shutdown', new DOMException('aborted', 'AbortError')],
    [
      "Node's AbortError (a signal's timer)",
      Object.assign(new Error('The operation was aborted'), { code: 'ABORT_ERR' }),
    ],
  ])('%s is transient', (_, error) => {
    expect(classifyConsumerError(error)).toBe('transient');
  });

  it.each([
    [
      'an invalid byte sequence (22021)',
      pgError('22021', 'invalid byte sequence for encoding "UTF8": 0x00'),
    ],
    [
      'an unsupported Unicode escape (22P05)',
      pgError('22P05', 'unsupported Unicode escape sequence'),
    ],
    [
      'an invalid text representation (22P02)',
      pgError('22P02', 'invalid input syntax for type json'),
    ],
    // A SQLSTATE decides, whatever words the message happens to hold.
    [
      'a data exception mentioning a timeout',
      pgError('22007', 'invalid value "timeout" for timestamp'),
    ],
    ['a decode error', new SyntaxError('Unexpected token < in JSON at position 0')],
    ['an unknown failure', new Error('something nobody foresaw')],
    ['a non-error', 'boom'],
    ['undefined', undefined],
  ])('%s is permanent', (_, error) => {
    expect(classifyConsumerError(error)).toBe('permanent');
  });

  it("asks a service's own classifier first and falls back to the default", () => {
    const classify = withClassifier((error) =>
      error instanceof Error && error.message === 'remote says busy' ? 'transient' : undefined,
    );
    expect(classify(new Error('remote says busy'))).toBe('transient');
    expect(classify(pgError('22P05', 'unsupported Unicode escape sequence'))).toBe('permanent');
    expect(classify(new Error('Connection terminated'))).toBe('transient');
  });
});

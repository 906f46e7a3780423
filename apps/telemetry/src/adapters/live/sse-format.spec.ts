import { sseComment, sseEvent, sseRetry } from './sse-format';

describe('SSE format', () => {
  it('writes a named event with one line of JSON data', () => {
    expect(sseEvent('progress', { text: 'a\nb', n: 1 })).toBe(
      'event: progress\ndata: {"text":"a\\nb","n":1}\n\n',
    );
    expect(sseEvent('rth', null)).toBe('event: rth\ndata: null\n\n');
  });

  it('cannot be made to write a second field through a name or a comment', () => {
    expect(sseEvent('a\ndata: x', 1)).toBe('event: a data: x\ndata: 1\n\n');
    expect(sseComment('hi\r\nevent: x')).toBe(': hi  event: x\n\n');
  });

  it('writes the reconnection hint in whole milliseconds', () => {
    expect(sseRetry(5000)).toBe('retry: 5000\n\n');
    expect(sseRetry(2.6)).toBe('retry: 3\n\n');
  });
});

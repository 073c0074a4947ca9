import { describe, expect, it } from '@jest/globals';
import { ProtocolError, ResponseParser } from '../../src/load/response-parser.js';

function feed(parser: ResponseParser, chunks: string[]): boolean[] {
  return chunks.map((chunk) => {
    const buf = Buffer.from(chunk + 'STALE BYTES \r\n\r\n', 'latin1');
    return parser.execute(buf, 0, chunk.length);
  });
}

describe('ResponseParser', () => {
  it('frames a content-length response in one read', () => {
    const p = new ResponseParser();
    p.reset(false);
    expect(feed(p, ['HTTP/1.1 201 Created\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok'])).toEqual([true]);
    expect(p.status).toBe(201);
    expect(p.close).toBe(false);
  });

  it('waits for the body and for heads split across reads, ignoring stale bytes beyond the read', () => {
    const p = new ResponseParser();
    p.reset(false);
    expect(feed(p, ['HTTP/1.1 500 Oops\r\ncontent-le', 'ngth: 5\r\n\r', '\nab', 'cde'])).toEqual([
      false,
      false,
      false,
      true,
    ]);
    expect(p.status).toBe(500);
  });

  it('frames chunked bodies with extensions and trailers, split anywhere', () => {
    const text =
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4;ext=1\r\nWiki\r\nA\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n';
    for (let cut = 1; cut < text.length; cut++) {
      const p = new ResponseParser();
      p.reset(false);
      const results = feed(p, [text.slice(0, cut), text.slice(cut)]);
      expect(results).toEqual([false, true]);
    }
  });

  it('skips interim responses, honours HEAD, 204 and Connection: close', () => {
    const p = new ResponseParser();
    p.reset(false);
    expect(feed(p, ['HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n'])).toEqual([
      true,
    ]);
    expect(p.status).toBe(204);
    expect(p.close).toBe(true);
    p.reset(true);
    expect(feed(p, ['HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n'])).toEqual([true]);
  });

  it('leaves a body without length to the connection close', () => {
    const p = new ResponseParser();
    p.reset(false);
    expect(feed(p, ['HTTP/1.0 200 OK\r\n\r\nsome body'])).toEqual([false]);
    expect(p.endsAtClose).toBe(true);
    expect(p.close).toBe(true);
  });

  it('refuses what is not HTTP', () => {
    const p = new ResponseParser();
    p.reset(false);
    expect(() => feed(p, ['SSH-2.0-OpenSSH\r\n\r\n'])).toThrow(ProtocolError);
  });
});

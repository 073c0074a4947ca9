const HEAD_END = Buffer.from('\r\n\r\n');
const CONTENT_LENGTH = Buffer.from('content-length:');
const TRANSFER_ENCODING = Buffer.from('transfer-encoding:');
const CONNECTION = Buffer.from('connection:');
const CLOSE = Buffer.from('close');
const KEEP_ALIVE = Buffer.from('keep-alive');
const CHUNKED = Buffer.from('chunked');
const MAX_HEAD = 64 * 1024;

const HEAD = 0;
const BODY = 1;
const CHUNK_SIZE = 2;
const CHUNK_EXT = 3;
const CHUNK_DATA = 4;
const CHUNK_END = 5;
const TRAILER = 6;
const UNTIL_CLOSE = 7;
const DONE = 8;

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

/**
 * Frames HTTP/1.1 responses and reads only what a load generator needs: the status, whether the
 * server will close the connection, and where the body ends (content-length, chunked, or the
 * connection closing). Works on byte offsets of the caller's buffer, so the common case of a
 * response arriving in one read allocates nothing. One request in flight per connection: bytes
 * after the end of a response are ignored.
 */
export class ResponseParser {
  status = 0;
  /** The server asked to close the connection after this response (or is HTTP/1.0). */
  close = false;
  private state = DONE;
  private remaining = 0;
  private lineLength = 0;
  private noBody = false;
  private partial: Buffer | undefined;

  /** Prepares for the next response; `noBody` for HEAD requests. */
  reset(noBody: boolean): void {
    this.state = HEAD;
    this.status = 0;
    this.close = false;
    this.remaining = 0;
    this.noBody = noBody;
    this.partial = undefined;
  }

  get done(): boolean {
    return this.state === DONE;
  }

  /** The body runs until the connection closes: the caller ends it there. */
  get endsAtClose(): boolean {
    return this.state === UNTIL_CLOSE;
  }

  /**
   * Feeds bytes [start, end) of buf. Returns true when the response is complete. Bytes beyond
   * `end` may be stale (a reused read buffer) and are never looked at.
   */
  execute(buf: Buffer, start: number, end: number): boolean {
    let pos = start;
    while (pos < end) {
      switch (this.state) {
        case HEAD:
          pos = this.head(buf, pos, end);
          if (pos < 0) return false;
          break;
        case BODY: {
          const take = Math.min(this.remaining, end - pos);
          this.remaining -= take;
          pos += take;
          if (this.remaining === 0) this.state = DONE;
          break;
        }
        case CHUNK_SIZE: {
          const c = buf[pos++];
          if (c >= 0x30 && c <= 0x39) this.remaining = this.remaining * 16 + (c - 0x30);
          else if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) this.remaining = this.remaining * 16 + ((c | 0x20) - 0x57);
          else if (c === 0x0a) this.state = this.remaining === 0 ? TRAILER : CHUNK_DATA;
          else if (c === 0x3b) this.state = CHUNK_EXT;
          else if (c !== 0x0d && c !== 0x20 && c !== 0x09) throw new ProtocolError('invalid chunk size');
          this.lineLength = 0;
          break;
        }
        case CHUNK_EXT:
          if (buf[pos++] === 0x0a) this.state = this.remaining === 0 ? TRAILER : CHUNK_DATA;
          break;
        case CHUNK_DATA: {
          const take = Math.min(this.remaining, end - pos);
          this.remaining -= take;
          pos += take;
          if (this.remaining === 0) this.state = CHUNK_END;
          break;
        }
        case CHUNK_END:
          if (buf[pos++] === 0x0a) this.state = CHUNK_SIZE;
          break;
        case TRAILER: {
          const c = buf[pos++];
          if (c === 0x0a) {
            if (this.lineLength === 0) this.state = DONE;
            this.lineLength = 0;
          } else if (c !== 0x0d) this.lineLength++;
          break;
        }
        case UNTIL_CLOSE:
          return false;
        default:
          return true;
      }
      if (this.state === DONE) return true;
    }
    return this.state === DONE;
  }

  /** Parses the head; returns the offset after it, or -1 when it is not complete yet. */
  private head(buf: Buffer, pos: number, end: number): number {
    let data = buf;
    let from = pos;
    let to = end;
    if (this.partial) {
      data = Buffer.concat([this.partial, buf.subarray(pos, end)]);
      from = 0;
      to = data.length;
    }
    const found = data.indexOf(HEAD_END, from);
    if (found < 0 || found + 4 > to) {
      if (to - from > MAX_HEAD) throw new ProtocolError('response head larger than 64 KiB');
      // Rare: the head spans reads. Keep a copy, the caller's buffer is reused.
      this.partial = Buffer.from(data.subarray(from, to));
      return -1;
    }
    const consumedFromBuf = this.partial ? found + 4 - (data.length - (end - pos)) : found + 4 - pos;
    this.partial = undefined;
    this.parseHead(data, from, found);
    const next = pos + consumedFromBuf;
    if (this.status >= 100 && this.status < 200 && this.status !== 101) {
      // An interim response (100 Continue, 103 Early Hints): the final one follows.
      this.state = HEAD;
      return next;
    }
    // parseHead left BODY (content-length), CHUNK_SIZE or UNTIL_CLOSE (neither header).
    if (this.noBody || this.status === 204 || this.status === 304) this.state = DONE;
    else if (this.state === CHUNK_SIZE) this.remaining = 0;
    else if (this.state === BODY && this.remaining === 0) this.state = DONE;
    else if (this.state === UNTIL_CLOSE) this.close = true;
    return next;
  }

  private parseHead(data: Buffer, start: number, end: number): void {
    if (end - start < 12 || data[start] !== 0x48 || data[start + 4] !== 0x2f)
      throw new ProtocolError('not an HTTP response');
    const d0 = data[start + 9] - 0x30;
    const d1 = data[start + 10] - 0x30;
    const d2 = data[start + 11] - 0x30;
    if (d0 < 0 || d0 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) throw new ProtocolError('invalid status line');
    this.status = d0 * 100 + d1 * 10 + d2;
    // HTTP/1.0 closes unless told otherwise; keep-alive on 1.0 is rare enough to reconnect.
    this.close = data[start + 7] === 0x30;
    this.state = UNTIL_CLOSE;
    let line = data.indexOf(0x0a, start) + 1;
    while (line > 0 && line < end) {
      let lineEnd = data.indexOf(0x0a, line);
      if (lineEnd < 0 || lineEnd > end) lineEnd = end;
      const first = data[line] | 0x20;
      if (first === 0x63) {
        if (matches(data, line, lineEnd, CONTENT_LENGTH)) {
          if (this.state !== CHUNK_SIZE) {
            this.remaining = parseDecimal(data, line + CONTENT_LENGTH.length, lineEnd);
            this.state = BODY;
          }
        } else if (matches(data, line, lineEnd, CONNECTION)) {
          if (containsToken(data, line + CONNECTION.length, lineEnd, CLOSE)) this.close = true;
          else if (containsToken(data, line + CONNECTION.length, lineEnd, KEEP_ALIVE)) this.close = false;
        }
      } else if (first === 0x74 && matches(data, line, lineEnd, TRANSFER_ENCODING)) {
        if (containsToken(data, line + TRANSFER_ENCODING.length, lineEnd, CHUNKED)) this.state = CHUNK_SIZE;
      }
      line = lineEnd + 1;
    }
  }
}

function matches(data: Buffer, at: number, end: number, name: Buffer): boolean {
  if (end - at < name.length) return false;
  for (let i = 0; i < name.length; i++) if ((data[at + i] | 0x20) !== name[i]) return false;
  return true;
}

function parseDecimal(data: Buffer, from: number, to: number): number {
  let value = 0;
  let digits = 0;
  for (let i = from; i < to; i++) {
    const c = data[i];
    if (c >= 0x30 && c <= 0x39) {
      value = value * 10 + (c - 0x30);
      digits++;
    } else if (c !== 0x20 && c !== 0x09 && c !== 0x0d) throw new ProtocolError('invalid content-length');
  }
  if (digits === 0) throw new ProtocolError('empty content-length');
  return value;
}

/** Case-insensitive search of a lower-case token, on bytes: no string per response. */
function containsToken(data: Buffer, from: number, to: number, token: Buffer): boolean {
  const last = to - token.length;
  outer: for (let i = from; i <= last; i++) {
    for (let j = 0; j < token.length; j++) if ((data[i + j] | 0x20) !== token[j]) continue outer;
    return true;
  }
  return false;
}

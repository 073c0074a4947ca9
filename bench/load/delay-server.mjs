// A target that answers after a fixed delay and measures its own latency the way nginx's
// $request_time does: from the moment the request's first bytes are read to the moment the response
// is handed to the kernel. node:http cannot see the first of those (its parser consumes the socket
// before JavaScript hears of the bytes), so this speaks the little HTTP/1.1 it needs on node:net:
// one request in flight per connection, keep-alive, no bodies. The bench compares what each client
// measured with this truth. GET /__stats → { p50Ms, count } since the last GET /__reset.
import { createServer } from 'node:net';
import * as hdr from 'hdr-histogram-js';

const delayMs = Number(process.argv[2] ?? 10);
let histogram = hdr.build();
const OK = Buffer.from('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n\r\nok');

function reply(socket, body) {
  socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

const server = createServer((socket) => {
  socket.setNoDelay(true);
  let buffered = '';
  let startedAt;
  socket.on('data', (chunk) => {
    startedAt ??= performance.now();
    buffered += chunk.toString('latin1');
    const end = buffered.indexOf('\r\n\r\n');
    if (end < 0) return;
    const path = buffered.slice(0, buffered.indexOf('\r\n')).split(' ')[1] ?? '/';
    buffered = buffered.slice(end + 4);
    const started = startedAt;
    startedAt = buffered.length > 0 ? performance.now() : undefined;
    if (path === '/__stats') return reply(socket, JSON.stringify({ p50Ms: histogram.getValueAtPercentile(50) / 1000, count: histogram.totalCount }));
    if (path === '/__reset') {
      histogram = hdr.build();
      return reply(socket, '"reset"');
    }
    setTimeout(() => {
      if (socket.destroyed) return;
      socket.write(OK);
      histogram.recordValue(Math.round((performance.now() - started) * 1000));
    }, delayMs);
  });
  socket.on('error', () => {});
});
server.listen(Number(process.argv[3] ?? 0), '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));

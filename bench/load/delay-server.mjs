// A target that answers after a fixed delay and measures its own latency the way nginx's
// $request_time does: from the moment the request's first bytes are read to the moment the response
// is handed to the kernel. node:http cannot see the first of those (its parser consumes the socket
// before JavaScript hears of the bytes), so this speaks the little HTTP/1.1 it needs on node:net:
// one request in flight per connection, keep-alive, no bodies. The bench compares what each client
// measured with this truth. GET /__stats → { p50Ms, count } since the last GET /__reset.
//   node delay-server.mjs <delay ms> [port] [--busy-poll]
// --busy-poll keeps the event loop spinning instead of sleeping in epoll_wait. A sleeping server's
// clock starts only once its core has woken up and its loop has finished the timers it was running,
// and that wait (0.4-0.5 ms on a 2-vCPU VM, measured with a loopback capture by the bench's
// --capture) belongs to no client, yet every client counts it. Busy-polling puts the server's first
// timestamp next to the request's arrival, so "client p50 - server p50" is what the client adds.
import { createServer } from 'node:net';
import * as hdr from 'hdr-histogram-js';

const [delayArg, portArg] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const delayMs = Number(delayArg ?? 10);
let histogram = hdr.build();
const OK = Buffer.from('HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n\r\nok');

function reply(socket, body) {
  socket.write(
    `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
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
    if (path === '/__stats')
      return reply(
        socket,
        JSON.stringify({ p50Ms: histogram.getValueAtPercentile(50) / 1000, count: histogram.totalCount }),
      );
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
if (process.argv.includes('--busy-poll')) {
  const spin = () => setImmediate(spin);
  spin();
}
server.listen(Number(portArg ?? 0), '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
// Exits at once: a busy-polling loop would keep waiting for idle keep-alive sockets to close.
process.on('SIGTERM', () => process.exit(0));

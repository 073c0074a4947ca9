// A node:http target that answers after a fixed delay and measures its own latency (request
// arrival to response end), so the bench can compare what the clients see with the truth.
// GET /__stats returns { p50Ms, count } since the last GET /__reset.
import http from 'node:http';
import * as hdr from 'hdr-histogram-js';

const delayMs = Number(process.argv[2] ?? 10);
let histogram = hdr.build();
const server = http.createServer((req, res) => {
  if (req.url === '/__stats') {
    res.setHeader('content-type', 'application/json');
    return res.end(JSON.stringify({ p50Ms: histogram.getValueAtPercentile(50) / 1000, count: histogram.totalCount }));
  }
  if (req.url === '/__reset') {
    histogram = hdr.build();
    return res.end('reset');
  }
  const started = performance.now();
  res.on('finish', () => histogram.recordValue(Math.round((performance.now() - started) * 1000)));
  setTimeout(() => res.end('ok'), delayMs);
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[3] ?? 0), '127.0.0.1', () => process.stdout.write(`${server.address().port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));

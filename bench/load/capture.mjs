// Where a client's "p50 − server p50" comes from, seen on the wire: a tcpdump of the loopback
// interface timestamps each request and each response as the kernel passes it between the two
// processes. Per connection one request is in flight, so request k and response k pair up, and
//   client side = client p50 − wire p50   (the client's own stamping, wake-ups and queueing)
//   server side = wire p50 − server p50   (the server's wake-up and loop, unseen by its clock)
// Needs tcpdump and the right to capture (root or CAP_NET_RAW). Capturing costs a little CPU, so
// the bench takes these figures in extra runs, never in the ones its table reports.
import { execFileSync, spawn } from 'node:child_process';

export function canCapture() {
  try {
    execFileSync('tcpdump', ['--version'], { stdio: 'ignore' });
    return process.getuid?.() === 0;
  } catch {
    return false;
  }
}

/** Starts capturing the data segments to and from `port`; stop() resolves the wire p50 in ms. */
export async function startCapture(port, file) {
  // Only segments carrying data (PSH): the request and the response, not the bare ACKs.
  const filter = `tcp port ${port} and (tcp[tcpflags] & tcp-push != 0)`;
  const child = spawn('tcpdump', ['-i', 'lo', '-n', '-B', '65536', '-w', file, filter], { stdio: 'ignore' });
  // tcpdump gives no sign that it is listening; a moment is enough on loopback.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  return {
    async stop() {
      await new Promise((resolve) => setTimeout(resolve, 300));
      child.kill('SIGINT');
      await new Promise((resolve) => child.once('close', resolve));
      return wireP50(file, port);
    },
  };
}

function wireP50(file, port) {
  const text = execFileSync('tcpdump', ['-r', file, '-n', '-tt'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const sentAt = new Map();
  const rtts = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+\.\d+) IP 127\.0\.0\.1\.(\d+) > 127\.0\.0\.1\.(\d+):/.exec(line);
    if (!m) continue;
    const [at, from, to] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (to === port) sentAt.set(from, at);
    else if (from === port && sentAt.has(to)) {
      rtts.push((at - sentAt.get(to)) * 1000);
      sentAt.delete(to);
    }
  }
  rtts.sort((a, b) => a - b);
  return { p50: rtts[Math.floor(rtts.length / 2)], count: rtts.length };
}

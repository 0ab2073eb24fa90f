/**
 * How fast the disk under PostgreSQL makes a small append durable: appends 8 KiB and fdatasyncs
 * (what a WAL flush at COMMIT does) at a fixed rate, then prints latency percentiles and the
 * slow ones with their time. Run it on PostgreSQL's filesystem with nothing else running:
 *
 *   npx tsx bench/fsync-probe.ts /var/lib/postgresql/probe.tmp [per second = 200] [seconds = 20]
 */
import { closeSync, fdatasyncSync, openSync, unlinkSync, writeSync } from 'node:fs';

const [file, rateArg = '200', secondsArg = '20'] = process.argv.slice(2);
if (!file) {
  console.error('usage: tsx bench/fsync-probe.ts <file on the database disk> [per second] [seconds]');
  process.exit(2);
}
const rate = Number(rateArg);
const fd = openSync(file, 'w');
const block = Buffer.alloc(8192, 1);
const latencies: number[] = [];
const slow: string[] = [];
const start = performance.now();
const end = start + Number(secondsArg) * 1000;
let next = start;
try {
  while (performance.now() < end) {
    const wait = next - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const t = performance.now();
    writeSync(fd, block);
    fdatasyncSync(fd);
    const ms = performance.now() - t;
    latencies.push(ms);
    if (ms > 20) slow.push(`${ms.toFixed(0)} ms at ${((t - start) / 1000).toFixed(1)} s`);
    next += 1000 / rate;
  }
} finally {
  closeSync(fd);
  unlinkSync(file);
}
latencies.sort((a, b) => a - b);
const at = (q: number) => Number(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(2));
console.log(JSON.stringify({ n: latencies.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), p999: at(0.999), max: at(1), slowOver20ms: slow.length, slow: slow.slice(0, 30) }));

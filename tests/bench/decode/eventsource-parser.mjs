// The Node peer of the decode benchmark: the npm package eventsource-parser framing the same
// recorded bytes, fed in the same 16 KiB chunks through a streaming TextDecoder (the UTF-8
// decoding is part of framing, as it is in SseParser). Prints one JSON line like bench_decode.
//
//   node eventsource-parser.mjs FILE [RUNS]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const { createParser } = await import(require.resolve('eventsource-parser', {
    paths: [new URL('../..', import.meta.url).pathname],
}));

const file = process.argv[2];
const runs = Math.max(1, Number(process.argv[3] || 7));
const bytes = readFileSync(file);
const chunk = 16 * 1024;

function once() {
    let events = 0;
    const parser = createParser({ onEvent() { ++events; } });
    const decoder = new TextDecoder('utf-8');
    const begin = performance.now();
    for (let at = 0; at < bytes.length; at += chunk)
        parser.feed(decoder.decode(bytes.subarray(at, at + chunk), { stream: true }));
    parser.feed(decoder.decode());
    return { seconds: (performance.now() - begin) / 1000, events };
}

once(); // let the JIT warm up, as the C++ side has no such cost
const samples = [];
for (let i = 0; i < runs; ++i) samples.push(once());
samples.sort((a, b) => a.seconds - b.seconds);
const best = samples[0];
const median = samples[Math.floor(samples.length / 2)];
console.log(JSON.stringify({
    measure: 'eventsource_parser',
    runs,
    bytes: bytes.length,
    events: best.events,
    best_s: best.seconds,
    median_s: median.seconds,
    best_mb_s: bytes.length / 1e6 / best.seconds,
    median_mb_s: bytes.length / 1e6 / median.seconds,
    best_events_s: best.events / best.seconds,
    median_events_s: median.events / median.seconds,
}));

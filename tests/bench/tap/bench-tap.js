// The tap's overhead (issue 22): a 2,000-token streamed chat completion, asked RUNS times
// directly of the upstream and RUNS times through `inkstream serve --openai-upstream`,
// alternating, each over a kept-alive connection as SDKs keep them. Measures time to first
// token (request sent -> first content delta parsed) and total time (-> [DONE]), and prints the
// medians as JSON, with the median of the per-pair differences of the first token.   node bench-tap.js DIRECT_BASE TAP_BASE [RUNS]
'use strict';
const http = require('http');

const [direct, tapped, runsText = '15'] = process.argv.slice(2);
const runs = Number(runsText);
const agent = new http.Agent({keepAlive: true, maxSockets: 1});
const body = JSON.stringify({model: 'long', stream: true,
  messages: [{role: 'user', content: 'Write long.txt'}]});

function once(base) {
  return new Promise((resolve, reject) => {
    const url = new URL(`${base}/chat/completions`);
    const started = process.hrtime.bigint();
    let first = null;
    let tokens = 0;
    let tail = '';
    const request = http.request({host: url.hostname, port: url.port, path: url.pathname,
      method: 'POST', agent, headers: {'Content-Type': 'application/json',
        Authorization: 'Bearer test-key', 'Content-Length': Buffer.byteLength(body)}}, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        const lines = (tail + chunk).split('\n');
        tail = lines.pop();
        for (const line of lines) {
          if (!line.startsWith('data: {')) continue;
          const content = JSON.parse(line.slice(6)).choices[0].delta.content;
          if (!content) continue;
          tokens++;
          if (first === null) first = process.hrtime.bigint();
        }
      });
      res.on('end', () => {
        const end = process.hrtime.bigint();
        resolve({ttftMs: Number(first - started) / 1e6, totalMs: Number(end - started) / 1e6,
                 tokens});
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function main() {
  await once(direct); // warm-up: connections open, code paths hot
  await once(tapped);
  const results = {direct: [], tap: []};
  for (let i = 0; i < runs; i++) {
    results.direct.push(await once(direct));
    results.tap.push(await once(tapped));
  }
  const summary = {};
  for (const [name, list] of Object.entries(results)) {
    summary[name] = {ttftMs: median(list.map((r) => r.ttftMs)),
                     totalMs: median(list.map((r) => r.totalMs)),
                     tokens: list[0].tokens};
  }
  summary.addedTtftMs = summary.tap.ttftMs - summary.direct.ttftMs;
  // Each tapped request against the direct one just before it: drift in the machine's speed
  // over the run cancels out of the pair.
  summary.addedTtftMsPaired = median(results.tap.map((r, i) => r.ttftMs - results.direct[i].ttftMs));
  summary.addedTotalPercent = 100 * (summary.tap.totalMs / summary.direct.totalMs - 1);
  summary.runs = runs;
  process.stdout.write(JSON.stringify(summary, null, 1) + '\n');
  agent.destroy();
}
main().catch((e) => { console.error(e); process.exit(1); });

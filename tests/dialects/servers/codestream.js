// Seed 000 ("code-stream"): GET .../code-stream answers `connected`, then `code` events
// (start, 5-character deltas with position, complete with fullContent). The second file's
// fullContent differs from its deltas on purpose (the viewer must take fullContent).
// `?dropAt=A,B,C`: the first connection to a URL closes after A `code` frames, the second
// after B, ..., each sending them again from the start (no ids, so no client can resume).
'use strict';
const http = require('http');

const files = [
  ['solution.js', 'const solution = (s) => s.split("").reverse().join("");\nmodule.exports = solution;\n'],
  ['util.js', 'export const add = (a, b) => a + b;\n'],
];

function frame(res, name, data) {
  res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
}

const connections = new Map(); // URL -> connections so far (dropAt)

const server = http.createServer((req, res) => {
  const connection = (connections.get(req.url) || 0) + 1;
  connections.set(req.url, connection);
  const dropAt = (new URL(req.url, 'http://localhost').searchParams.get('dropAt') || '')
    .split(',').filter(Boolean).map(Number);
  res.writeHead(200, {'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache'});
  frame(res, 'connected', {clientId: 'client_1234567890_abc123'});
  const events = [];
  for (const [fileName, content] of files) {
    events.push({sessionId: 'sess_xyz', fileName, type: 'start'});
    let line = 0, column = 0;
    const streamed = fileName === 'util.js' ? content.replace('a + b', 'a - b') : content;
    for (let i = 0; i < streamed.length; i += 5) {
      const delta = streamed.slice(i, i + 5);
      events.push({sessionId: 'sess_xyz', fileName, delta, type: 'delta', position: {line, column}});
      for (const c of delta) { if (c === '\n') { line++; column = 0; } else column++; }
    }
    events.push({sessionId: 'sess_xyz', fileName, fullContent: content, type: 'complete'});
  }
  events.push({sessionId: 'sess_xyz', fileName: 'broken.js', error: 'Failed to stream code', type: 'error'});
  const limit = Math.min(events.length, dropAt[connection - 1] ?? events.length);
  let i = 0;
  const timer = setInterval(() => {
    if (i < limit) frame(res, 'code', events[i++]);
    else if (i < events.length) { clearInterval(timer); res.end(); }
    else res.write(': ping\n\n');
  }, 2);
  req.on('close', () => clearInterval(timer));
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));

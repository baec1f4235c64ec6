// Seed 004 ("writing-flow"): GET /api/autopilot/stream?taskId= sends autopilot frames
// {step, progress, stats?, docId?, message?} ending with step "done"; GET
// /api/generation/stream?streamId= sends generation frames {blockId, delta, cites?, done?} and
// then only keep-alive comments. Data-only frames, as the seed's EventSource reads them.
// Query flags: `close=1` ends the response after the last frame (as the seed's generation
// stream does); `dropAt=A,B,C` makes the first connection to a URL close after A frames, the
// second after B, ..., each sending the frames again from the start (no ids: no resuming);
// `holdAt=N&interval=MS` sends N frames, one every MS ms, then only keep-alives (screenshots).
'use strict';
const http = require('http');

const autopilot = [
  {step: 'search', progress: 10, message: 'Searching sources...'},
  {step: 'search', progress: 25, stats: {hits: 14, verified: 0, sections: 0}},
  {step: 'strategy', progress: 45, stats: {hits: 14, verified: 9, sections: 0}, message: 'Choosing a strategy'},
  {step: 'outline', progress: 80, stats: {hits: 14, verified: 9, sections: 4}, message: 'Outlining'},
  {step: 'done', progress: 100, docId: 'doc-7'},
];
const generation = [
  {blockId: 'intro', delta: 'Streaming makes '},
  {blockId: 'intro', delta: 'writing visible.', cites: [{key: 'smith2020', source: 'example.org/smith'}]},
  {blockId: 'intro', delta: '', done: true},
  {blockId: 'body', delta: 'Each block '},
  {blockId: 'body', delta: 'streams apart.', done: true},
];

const connections = new Map(); // URL -> connections so far (dropAt)

const server = http.createServer((req, res) => {
  const frames = req.url.startsWith('/api/autopilot') ? autopilot : generation;
  const query = new URL(req.url, 'http://localhost').searchParams;
  const connection = (connections.get(req.url) || 0) + 1;
  connections.set(req.url, connection);
  const dropAt = (query.get('dropAt') || '').split(',').filter(Boolean).map(Number);
  const limit = Math.min(frames.length, dropAt[connection - 1] ?? frames.length);
  const hold = Number(query.get('holdAt') || frames.length);
  res.writeHead(200, {'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache'});
  let i = 0;
  const timer = setInterval(() => {
    if (i < Math.min(limit, hold)) res.write(`data: ${JSON.stringify(frames[i++])}\n\n`);
    else if (hold < frames.length) res.write(': keep-alive\n\n'); // held
    else if (i < frames.length || query.get('close') === '1') {
      clearInterval(timer);
      res.end();
    } else res.write(': keep-alive\n\n');
  }, Number(query.get('interval') || 2));
  req.on('close', () => clearInterval(timer));
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));

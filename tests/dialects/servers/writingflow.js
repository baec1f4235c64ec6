// Seed 004 ("writing-flow"): GET /api/autopilot/stream?taskId= sends autopilot frames
// {step, progress, stats?, docId?, message?} ending with step "done"; GET
// /api/generation/stream?streamId= sends generation frames {blockId, delta, cites?, done?} and
// then only keep-alive comments. Data-only frames, as the seed's EventSource reads them.
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

const server = http.createServer((req, res) => {
  const frames = req.url.startsWith('/api/autopilot') ? autopilot : generation;
  res.writeHead(200, {'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache'});
  let i = 0;
  const timer = setInterval(() => {
    if (i < frames.length) res.write(`data: ${JSON.stringify(frames[i++])}\n\n`);
    else res.write(': keep-alive\n\n');
  }, 2);
  req.on('close', () => clearInterval(timer));
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));

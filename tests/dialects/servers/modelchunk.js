// Seed 003 ("model-chunk"): a realtime server that streams a job's reply token by token as
// `model:chunk` {jobId, chunk, sequence, timestamp, metadata}, with `job:progress` and
// `job:completed` — over Socket.IO v4 (the npm `socket.io` package, clients join the job's room
// from the handshake query `?jobId=`) and over SSE (GET /api/jobs/JOB/stream, named events).
//
//   node modelchunk.js [--ping-interval MS] [--ping-timeout MS] [--drop-after N] [--token T]
//
// --drop-after N closes each client's first connection after N chunks (Engine.IO close, as a
// network drop would); a client that comes back gets the job's history again from the start
// (no resume in the seed's server: de-duplication by sequence is the client's job).
// GET /stats answers {connections, pongs, disconnects} for the tests.
'use strict';
const http = require('http');
const {Server} = require('socket.io');

const options = {pingInterval: 25000, pingTimeout: 20000, dropAfter: 0, token: ''};
for (let i = 2; i < process.argv.length; i += 2) {
  const value = process.argv[i + 1];
  switch (process.argv[i]) {
    case '--ping-interval': options.pingInterval = Number(value); break;
    case '--ping-timeout': options.pingTimeout = Number(value); break;
    case '--drop-after': options.dropAfter = Number(value); break;
    case '--token': options.token = value; break;
    default: throw new Error(`unknown option ${process.argv[i]}`);
  }
}

const reply = 'Here is the sum function.\n\n```js title="sum.js"\nexport function sum(a, b) {\n' +
    '  return a + b;\n}\n```\n\nIt adds two numbers.';
const chunks = reply.match(/[\s\S]{1,4}/g);

// The job's events, in order; `emit(name, data)` sends one.
function script(jobId) {
  const events = [['job:progress', {jobId, progress: 10, step: 'thinking'}]];
  chunks.forEach((chunk, index) => {
    events.push(['model:chunk', {
      jobId, chunk, sequence: index + 1, timestamp: Date.now(),
      metadata: {step: 'writing', model: 'test-model', tokens_per_sec: 42},
    }]);
    if (index === Math.floor(chunks.length / 2))
      events.push(['job:progress', {jobId, progress: 50, step: 'writing'}]);
  });
  events.push(['job:progress', {jobId, progress: 100}]);
  events.push(['job:completed', {jobId, result: {tokens: chunks.length}}]);
  return events;
}

const stats = {connections: 0, pongs: 0, disconnects: []};
const server = http.createServer((req, res) => {
  if (req.url === '/stats') {
    res.writeHead(200, {'Content-Type': 'application/json'});
    res.end(JSON.stringify(stats));
    return;
  }
  const match = /^\/api\/jobs\/([\w-]+)\/stream/.exec(req.url);
  if (!match) {
    if (!req.url.startsWith('/socket.io/')) {
      res.writeHead(404);
      res.end();
    }
    return;
  }
  res.writeHead(200, {'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache'});
  const events = script(match[1]);
  let i = 0;
  const timer = setInterval(() => {
    if (i < events.length) {
      const [name, data] = events[i++];
      res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
    } else {
      res.write(': keep-alive\n\n');
    }
  }, 5);
  req.on('close', () => clearInterval(timer));
});

const io = new Server(server, {
  pingInterval: options.pingInterval, pingTimeout: options.pingTimeout, transports: ['websocket'],
});
io.use((socket, next) => {
  if (options.token && socket.handshake.auth.token !== options.token)
    next(new Error('not authorized: a valid token is required'));
  else
    next();
});
const dropped = new Set();
io.on('connection', (socket) => {
  ++stats.connections;
  const jobId = String(socket.handshake.query.jobId || 'job-1');
  socket.join(`job:${jobId}`);
  socket.conn.on('packet', (packet) => {
    if (packet.type === 'pong') ++stats.pongs;
  });
  socket.on('disconnect', (reason) => stats.disconnects.push(reason));
  const events = script(jobId);
  let i = 0;
  let chunksSent = 0;
  const timer = setInterval(() => {
    if (i >= events.length) {
      clearInterval(timer);
      return;
    }
    const [name, data] = events[i++];
    io.to(`job:${jobId}`).emit(name, data);
    if (name === 'model:chunk') ++chunksSent;
    if (options.dropAfter && chunksSent === options.dropAfter && !dropped.has(jobId)) {
      dropped.add(jobId);
      clearInterval(timer);
      socket.conn.close(); // the transport closes; the client reconnects
    }
  }, 25);
  socket.on('disconnect', () => clearInterval(timer));
});

server.listen(0, '127.0.0.1', () => console.log(server.address().port));

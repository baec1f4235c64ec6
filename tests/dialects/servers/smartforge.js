// Seed 001 ("smart-forge"). Mode from the URL: /named/... puts the event name in the SSE
// `event:` field with the fields in a nested `data` object; /typed/... sends data-only frames
// with a `type` member and the fields at the top level. Ends with `complete`.
'use strict';
const http = require('http');

const code = 'const express = require("express");\nconst app = express();\napp.listen(3000);\n';
const events = [
  ['project:created', {projectId: 'p1', projectName: 'todo-api'}],
  ['step:start', {step: 'planning', message: 'Planning API structure...'}],
  ['step:complete', {step: 'planning'}],
  ['step:start', {step: 'generating', message: 'Generating files...', progress: 30}],
  ['file:generating', {fileName: 'index.js', language: 'JavaScript'}],
  ...[0, 40].map((i) => ['code:chunk', {fileName: 'index.js', chunk: code.slice(i, i + 40)}]),
  ['code:chunk', {fileName: 'index.js', chunk: code.slice(80)}],
  ['file:complete', {fileName: 'index.js', content: code}],
  ['step:complete', {step: 'generating', progress: 70}],
  ['mystery:event', {foo: 1}],
  ['validation:start', {message: 'Validating generated code...'}],
  ['validation:complete', {success: true}],
  ['complete', {summary: 'API generated successfully!', fileCount: 1}],
];

const server = http.createServer((req, res) => {
  const named = req.url.startsWith('/named');
  res.writeHead(200, {'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache'});
  let i = 0;
  const timer = setInterval(() => {
    if (i >= events.length) { clearInterval(timer); res.end(); return; }
    const [type, fields] = events[i++];
    if (named)
      res.write(`event: ${type}\ndata: ${JSON.stringify({type, data: fields, timestamp: Date.now()})}\n\n`);
    else
      res.write(`data: ${JSON.stringify({type, ...fields})}\n\n`);
  }, 2);
  req.on('close', () => clearInterval(timer));
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));

// An OpenAI-compatible POST /v1/chat/completions with stream: true: checks the bearer token,
// model and messages, then streams chat.completion.chunk frames (a role-only first delta, the
// reply in small pieces with a fenced code block, a finish_reason chunk) and `data: [DONE]`.
'use strict';
const http = require('http');

const reply = 'Sure. Save this as sum.js:\n\n```js title="sum.js"\nexport function sum(a, b) {\n  return a + b;\n}\n```\n\nThen:\n\n```python\nprint(1)\n```\n';

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
    res.writeHead(404, {'Content-Type': 'application/json'});
    res.end(JSON.stringify({error: {message: 'not found'}}));
    return;
  }
  if (req.headers.authorization !== 'Bearer test-key') {
    res.writeHead(401, {'Content-Type': 'application/json'});
    res.end(JSON.stringify({error: {message: 'invalid api key'}}));
    return;
  }
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    const request = JSON.parse(body);
    if (request.stream !== true || request.model !== 'mock-1' || !Array.isArray(request.messages)) {
      res.writeHead(400, {'Content-Type': 'application/json'});
      res.end(JSON.stringify({error: {message: 'bad request'}}));
      return;
    }
    res.writeHead(200, {'Content-Type': 'text/event-stream; charset=utf-8'});
    const chunk = (delta, finish) => JSON.stringify({
      id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'mock-1',
      choices: [{index: 0, delta, finish_reason: finish || null}]});
    const frames = [chunk({role: 'assistant', content: ''})];
    for (let i = 0; i < reply.length; i += 7) frames.push(chunk({content: reply.slice(i, i + 7)}));
    frames.push(chunk({}, 'stop'));
    frames.push('[DONE]');
    let i = 0;
    const timer = setInterval(() => {
      if (i >= frames.length) { clearInterval(timer); res.end(); return; }
      res.write(`data: ${frames[i++]}\n\n`);
    }, 2);
    res.on('close', () => clearInterval(timer));
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));

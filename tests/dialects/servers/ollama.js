// Ollama's native API as its document describes (github.com/ollama/ollama, docs/api.md):
// POST /api/chat {model, messages, stream, options?} and POST /api/generate {model, prompt,
// system?, stream, options?} answer application/x-ndjson, one JSON object per line: the reply
// in small pieces (`message.content` / `response`), then a last line with done: true,
// done_reason and the token counts. A line may arrive split across writes. A prompt that
// contains "fail" gets an {"error"} line after part of the reply, as Ollama does when a model
// stops mid-stream.
'use strict';
const http = require('http');

const reply = 'Sure. Save this as sum.js:\n\n```js title="sum.js"\nexport function sum(a, b) {\n  return a + b;\n}\n```\n\nThen:\n\n```python\nprint(1)\n```\n';

const server = http.createServer((req, res) => {
  const chat = req.url === '/api/chat';
  if (req.method !== 'POST' || (!chat && req.url !== '/api/generate')) {
    res.writeHead(404, {'Content-Type': 'text/plain'});
    res.end('404 page not found');
    return;
  }
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    const request = JSON.parse(body);
    const valid = request.model === 'mock-llama' && request.stream !== false
        && (chat ? Array.isArray(request.messages) : typeof request.prompt === 'string')
        && (request.options === undefined || typeof request.options.temperature === 'number');
    if (!valid) {
      res.writeHead(400, {'Content-Type': 'application/json; charset=utf-8'});
      res.end(JSON.stringify({error: 'bad request'}));
      return;
    }
    const prompt = chat ? request.messages[request.messages.length - 1].content : request.prompt;
    const failing = String(prompt).includes('fail');
    res.writeHead(200, {'Content-Type': 'application/x-ndjson'});
    const line = (piece, done) => {
      const object = {model: request.model, created_at: '2024-01-01T00:00:00Z'};
      if (chat) object.message = {role: 'assistant', content: piece};
      else object.response = piece;
      object.done = done;
      if (done) Object.assign(object, {done_reason: 'stop', total_duration: 1000, prompt_eval_count: 26, eval_count: 41});
      return JSON.stringify(object) + '\n';
    };
    const text = failing ? reply.slice(0, 60) : reply;
    let out = '';
    for (let i = 0; i < text.length; i += 7) out += line(text.slice(i, i + 7), false);
    out += failing ? JSON.stringify({error: 'model runner has unexpectedly stopped'}) + '\n' : line('', true);
    // Writes of 50 bytes: lines are split across reads.
    let i = 0;
    const timer = setInterval(() => {
      if (i >= out.length) { clearInterval(timer); res.end(); return; }
      res.write(out.slice(i, i + 50));
      i += 50;
    }, 2);
    res.on('close', () => clearInterval(timer));
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));

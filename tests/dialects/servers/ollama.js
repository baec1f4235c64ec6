// Ollama's native API as its document describes (github.com/ollama/ollama, docs/api.md):
// POST /api/chat {model, messages, stream, options?} and POST /api/generate {model, prompt,
// system?, stream, options?} answer application/x-ndjson, one JSON object per line: the reply
// in small pieces (`message.content` / `response`), then a last line with done: true,
// done_reason and the token counts. A line may arrive split across writes. A prompt that
// contains "fail" gets an {"error"} line after part of the reply, as Ollama does when a model
// stops mid-stream.
'use strict';
const http = require('http');
const {reply, readBody, writePaced} = require('./common');

const server = http.createServer((req, res) => {
  const chat = req.url === '/api/chat';
  if (req.method !== 'POST' || (!chat && req.url !== '/api/generate')) {
    res.writeHead(404, {'Content-Type': 'text/plain'});
    res.end('404 page not found');
    return;
  }
  readBody(req, (body) => {
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
    const pieces = [];
    for (let i = 0; i < out.length; i += 50) pieces.push(out.slice(i, i + 50));
    writePaced(res, pieces, (piece) => res.write(piece));
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));

// The upstream of the tap's tests (tests/tap): an OpenAI-compatible API and Ollama's native
// one on loopback, answering with the shared reply (common.js) and keeping count of what it
// saw. Everything is deterministic (ids, timestamps), so an answer through the tap can be
// compared with the same request's answer without it.
//   POST /v1/chat/completions  needs "Authorization: Bearer test-key" (else 401, as OpenAI);
//     the model picks the behaviour: "mock-1" the reply (stream or not), "tools" a tool call,
//     "rate-limited" 429, "broken" 500, "error-midway" an error frame after part of the reply,
//     "cut-midway" the connection cut after part of it, "slow" a reply paced by --slow MS,
//     "long" a reply of --tokens N chunks (a fenced file of N lines).
//     A user message's text picks the file name ```js title="NAME"```: "name:NAME".
//   GET /v1/models, POST /v1/embeddings  plain JSON.
//   POST /api/chat, /api/generate  Ollama NDJSON (or JSON with stream: false); a prompt with
//     "fail" gets an {"error"} line after part of the reply. GET /api/tags.
//   GET /stats  {requests, cancelled, completed, authorizations: [...], open, mostOpen}
//     (mostOpen: the most streamed responses open at once).
// `--delay MS` paces the frames (default 2); `--reply FILE` answers with FILE's text instead of
// the shared reply (the screenshot's longer file).
'use strict';
const http = require('http');
const fs = require('fs');
const common = require('./common');
const {json, readBody, writePaced} = common;
const replyIndex = process.argv.indexOf('--reply');
const reply = replyIndex > 0 ? fs.readFileSync(process.argv[replyIndex + 1], 'utf8') : common.reply;

const option = (name, fallback) => {
  const index = process.argv.indexOf(name);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const delay = option('--delay', 2);
const slow = option('--slow', 60);
const tokens = option('--tokens', 2000);

const stats = {requests: 0, cancelled: 0, completed: 0, authorizations: [], open: 0, mostOpen: 0};

// Counts a response that ends as meant (completed) or that its client left (cancelled), and
// how many streamed at once.
function track(res) {
  stats.mostOpen = Math.max(stats.mostOpen, ++stats.open);
  res.on('close', () => {
    --stats.open;
    if (res.writableFinished) stats.completed++;
    else stats.cancelled++;
  });
}

function textFor(request) {
  const users = (request.messages || []).filter((m) => m.role === 'user');
  const last = users.length ? String(users[users.length - 1].content) : String(request.prompt || '');
  const named = /name:(\S+)/.exec(last);
  if (request.model === 'long') {
    let body = '';
    for (let i = 0; i < tokens; i++) body += `line ${i}\n`;
    return {text: 'Here:\n\n```text title="long.txt"\n' + body + '```\n', chunk: 0};
  }
  const text = named ? reply.replace('title="sum.js"', `title="${named[1]}"`) : reply;
  return {text, chunk: 7};
}

function openAiChat(req, res, request) {
  const auth = req.headers.authorization || '';
  stats.authorizations.push(auth);
  if (auth !== 'Bearer test-key')
    return json(res, 401, {error: {message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key'}});
  if (request.model === 'rate-limited') {
    res.writeHead(429, {'Content-Type': 'application/json', 'Retry-After': '0', 'x-request-id': 'req-429'});
    return res.end(JSON.stringify({error: {message: 'Rate limit reached for mock-1', type: 'requests', code: 'rate_limit_exceeded'}}));
  }
  if (request.model === 'broken')
    return json(res, 500, {error: {message: 'The server had an error while processing your request.', type: 'server_error'}});
  const {text, chunk} = textFor(request);
  const pieces = [];
  if (chunk === 0) { // one line per chunk: a token each
    for (const line of text.split(/(?<=\n)/)) pieces.push(line);
  } else {
    for (let i = 0; i < text.length; i += chunk) pieces.push(text.slice(i, i + chunk));
  }
  const base = {id: 'chatcmpl-tap', created: 1700000000, model: request.model, system_fingerprint: 'fp_tap'};
  const toolCall = {index: 0, id: 'call_1', type: 'function', function: {name: 'get_weather', arguments: '{"city":"Paris"}'}};
  if (request.stream !== true) {
    const message = request.model === 'tools'
        ? {role: 'assistant', content: null, tool_calls: [{id: 'call_1', type: 'function', function: toolCall.function}]}
        : {role: 'assistant', content: text};
    return json(res, 200, {...base, object: 'chat.completion',
      choices: [{index: 0, message, logprobs: null, finish_reason: request.model === 'tools' ? 'tool_calls' : 'stop'}],
      usage: {prompt_tokens: 12, completion_tokens: pieces.length, total_tokens: 12 + pieces.length}});
  }
  track(res);
  res.writeHead(200, {'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', 'x-request-id': 'req-stream'});
  const frame = (delta, finish) => JSON.stringify({...base, object: 'chat.completion.chunk',
    choices: [{index: 0, delta, logprobs: null, finish_reason: finish || null}]});
  const frames = [frame({role: 'assistant', content: ''})];
  if (request.model === 'tools') {
    frames.push(frame({tool_calls: [{...toolCall, function: {name: 'get_weather', arguments: ''}}]}));
    frames.push(frame({tool_calls: [{index: 0, function: {arguments: '{"city":'}}]}));
    frames.push(frame({tool_calls: [{index: 0, function: {arguments: '"Paris"}'}}]}));
    frames.push(frame({}, 'tool_calls'));
    frames.push('[DONE]');
  } else if (request.model === 'error-midway' || request.model === 'cut-midway') {
    for (const piece of pieces.slice(0, 8)) frames.push(frame({content: piece}));
    if (request.model === 'error-midway')
      frames.push(JSON.stringify({error: {message: 'The model is overloaded mid-stream', type: 'server_error'}}));
  } else {
    for (const piece of pieces) frames.push(frame({content: piece}));
    frames.push(frame({}, 'stop'));
    frames.push('[DONE]');
  }
  const pace = request.model === 'slow' ? slow : delay;
  if (request.model === 'cut-midway') {
    let i = 0;
    const timer = setInterval(() => {
      if (i >= frames.length) { clearInterval(timer); res.socket.destroy(); return; }
      res.write(`data: ${frames[i++]}\n\n`);
    }, pace);
    res.on('close', () => clearInterval(timer));
    return;
  }
  if (pace === 0) { // as fast as it goes (the benchmark)
    for (const f of frames) res.write(`data: ${f}\n\n`);
    return res.end();
  }
  writePaced(res, frames, (f) => res.write(`data: ${f}\n\n`), pace);
}

function ollama(req, res, request, chat) {
  const prompt = chat ? request.messages[request.messages.length - 1].content : request.prompt;
  const failing = String(prompt).includes('fail');
  const {text} = textFor(request);
  const line = (piece, done) => {
    const object = {model: request.model, created_at: '2024-01-01T00:00:00Z'};
    if (chat) object.message = {role: 'assistant', content: piece};
    else object.response = piece;
    object.done = done;
    if (done) Object.assign(object, {done_reason: 'stop', total_duration: 1000, prompt_eval_count: 26, eval_count: 41});
    return JSON.stringify(object);
  };
  if (request.stream === false) {
    res.writeHead(200, {'Content-Type': 'application/json; charset=utf-8'});
    const object = JSON.parse(line(text, true));
    return res.end(JSON.stringify(object));
  }
  track(res);
  res.writeHead(200, {'Content-Type': 'application/x-ndjson'});
  const shown = failing ? text.slice(0, 60) : text;
  const lines = [];
  for (let i = 0; i < shown.length; i += 7) lines.push(line(shown.slice(i, i + 7), false) + '\n');
  lines.push(failing ? JSON.stringify({error: 'model runner has unexpectedly stopped'}) + '\n' : line('', true) + '\n');
  writePaced(res, lines, (piece) => res.write(piece), request.model === 'slow' ? slow : delay);
}

const server = http.createServer((req, res) => {
  if (req.url === '/stats') return json(res, 200, stats);
  stats.requests++;
  if (req.method === 'GET' && req.url === '/v1/models')
    return json(res, 200, {object: 'list', data: [{id: 'mock-1', object: 'model', created: 1700000000, owned_by: 'tap-tests'}]});
  if (req.method === 'GET' && req.url === '/api/tags')
    return json(res, 200, {models: [{name: 'mock-llama:latest', model: 'mock-llama:latest', size: 1}]});
  readBody(req, (body) => {
    let request = {};
    try { request = JSON.parse(body || '{}'); } catch (e) { return json(res, 400, {error: {message: 'bad json'}}); }
    if (req.method === 'POST' && req.url === '/v1/chat/completions') return openAiChat(req, res, request);
    if (req.method === 'POST' && req.url === '/v1/embeddings')
    {
      const vector = [0.25, -0.5, 1];
      const embedding = request.encoding_format === 'base64'
          ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
      return json(res, 200, {object: 'list', data: [{object: 'embedding', index: 0, embedding}], model: request.model, usage: {prompt_tokens: 2, total_tokens: 2}});
    }
    if (req.method === 'POST' && (req.url === '/api/chat' || req.url === '/api/generate'))
      return ollama(req, res, request, req.url === '/api/chat');
    json(res, 404, {error: {message: `no route ${req.method} ${req.url}`}});
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));

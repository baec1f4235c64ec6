// An OpenAI-compatible POST /v1/chat/completions with stream: true: checks the bearer token,
// model and messages, then streams chat.completion.chunk frames (a role-only first delta, the
// reply in small pieces with a fenced code block, a finish_reason chunk) and `data: [DONE]`.
// A later turn of a conversation (more than one user message) answers from the history, so a
// client that forgets it shows. `--delay MS` paces the chunks (default 2).
'use strict';
const http = require('http');
const {reply, json, readBody, writePaced} = require('./common');

const delayIndex = process.argv.indexOf('--delay');
const delay = delayIndex > 0 ? Number(process.argv[delayIndex + 1]) : 2;

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/v1/chat/completions')
    return json(res, 404, {error: {message: 'not found'}});
  if (req.headers.authorization !== 'Bearer test-key')
    return json(res, 401, {error: {message: 'invalid api key'}});
  readBody(req, (body) => {
    const request = JSON.parse(body);
    if (request.stream !== true || request.model !== 'mock-1' || !Array.isArray(request.messages))
      return json(res, 400, {error: {message: 'bad request'}});
    res.writeHead(200, {'Content-Type': 'text/event-stream; charset=utf-8'});
    const users = request.messages.filter((m) => m.role === 'user');
    const assistants = request.messages.filter((m) => m.role === 'assistant');
    const text = users.length < 2 ? reply
        : `Turn ${users.length}: earlier you asked "${users[0].content}" and I answered ` +
          `${assistants.length} time(s).\n\n\`\`\`js title="turn.js"\nexport const turn = ${users.length};\n\`\`\`\n`;
    const chunk = (delta, finish) => JSON.stringify({
      id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'mock-1',
      choices: [{index: 0, delta, finish_reason: finish || null}]});
    const frames = [chunk({role: 'assistant', content: ''})];
    for (let i = 0; i < text.length; i += 7) frames.push(chunk({content: text.slice(i, i + 7)}));
    frames.push(chunk({}, 'stop'));
    frames.push('[DONE]');
    writePaced(res, frames, (frame) => res.write(`data: ${frame}\n\n`), delay);
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));

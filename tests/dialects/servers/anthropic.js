// Anthropic's Messages API, POST /v1/messages with stream: true, as its streaming document
// describes (docs.anthropic.com, "Streaming Messages"): checks x-api-key, anthropic-version,
// model, max_tokens and messages, then sends message_start, content_block_start, a ping,
// content_block_delta text_delta frames (the reply in small pieces with a fenced code block),
// content_block_stop, message_delta (stop_reason, usage) and message_stop. A prompt that
// contains "fail" gets an `error` event (overloaded_error) after part of the reply.
'use strict';
const http = require('http');
const {reply, json, readBody, writePaced} = require('./common');

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/v1/messages')
    return json(res, 404, {type: 'error', error: {type: 'not_found_error', message: 'not found'}});
  if (req.headers['x-api-key'] !== 'test-key')
    return json(res, 401, {type: 'error', error: {type: 'authentication_error', message: 'invalid x-api-key'}});
  if (req.headers['anthropic-version'] !== '2023-06-01')
    return json(res, 400, {type: 'error', error: {type: 'invalid_request_error', message: 'anthropic-version'}});
  readBody(req, (body) => {
    const request = JSON.parse(body);
    if (request.stream !== true || request.model !== 'mock-claude' || !Number.isInteger(request.max_tokens)
        || !Array.isArray(request.messages) || request.messages.some((m) => m.role === 'system'))
      return json(res, 400, {type: 'error', error: {type: 'invalid_request_error', message: 'bad request'}});
    const prompt = request.messages[request.messages.length - 1].content;
    const failing = String(prompt).includes('fail');
    res.writeHead(200, {'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache'});
    const frames = [['message_start', {type: 'message_start', message: {id: 'msg_1', type: 'message', role: 'assistant',
      content: [], model: request.model, stop_reason: null, stop_sequence: null, usage: {input_tokens: 12, output_tokens: 1}}}],
    ['content_block_start', {type: 'content_block_start', index: 0, content_block: {type: 'text', text: ''}}],
    ['ping', {type: 'ping'}]];
    const text = failing ? reply.slice(0, 60) : reply;
    for (let i = 0; i < text.length; i += 7)
      frames.push(['content_block_delta', {type: 'content_block_delta', index: 0, delta: {type: 'text_delta', text: text.slice(i, i + 7)}}]);
    if (failing) {
      frames.push(['error', {type: 'error', error: {type: 'overloaded_error', message: 'Overloaded'}}]);
    } else {
      frames.push(['content_block_stop', {type: 'content_block_stop', index: 0}]);
      frames.push(['message_delta', {type: 'message_delta', delta: {stop_reason: request.system ? 'end_turn' : 'stop_sequence', stop_sequence: null}, usage: {output_tokens: 42}}]);
      frames.push(['message_stop', {type: 'message_stop'}]);
    }
    writePaced(res, frames, ([name, data]) => res.write(`event: ${name}\ndata: ${JSON.stringify(data)}\n\n`));
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));

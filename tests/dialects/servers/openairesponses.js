// OpenAI's Responses API, POST /v1/responses with stream: true, as its streaming reference
// describes (platform.openai.com, "Streaming API responses"): checks the bearer key, model and
// input, then sends response.created, response.in_progress, response.output_item.added,
// response.content_part.added, response.output_text.delta (the reply in small pieces with a
// fenced code block), response.output_text.done, response.content_part.done,
// response.output_item.done and response.completed with usage. A prompt that contains "fail"
// gets response.failed (server_error) after part of the reply.
'use strict';
const http = require('http');
const {reply, json, readBody, writePaced} = require('./common');

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/v1/responses')
    return json(res, 404, {error: {message: 'not found'}});
  if (req.headers.authorization !== 'Bearer test-key')
    return json(res, 401, {error: {message: 'invalid api key'}});
  readBody(req, (body) => {
    const request = JSON.parse(body);
    if (request.stream !== true || request.model !== 'mock-4o' || request.input === undefined)
      return json(res, 400, {error: {message: 'bad request'}});
    const prompt = Array.isArray(request.input) ? request.input[request.input.length - 1].content : request.input;
    const failing = String(prompt).includes('fail');
    res.writeHead(200, {'Content-Type': 'text/event-stream; charset=utf-8'});
    const response = (status, extra) => Object.assign({id: 'resp_1', object: 'response', created_at: 1,
      status, model: request.model, output: [], instructions: request.instructions || null}, extra || {});
    const item = {id: 'msg_1', type: 'message', status: 'in_progress', role: 'assistant', content: []};
    const frames = [{type: 'response.created', response: response('in_progress')},
      {type: 'response.in_progress', response: response('in_progress')},
      {type: 'response.output_item.added', output_index: 0, item},
      {type: 'response.content_part.added', item_id: 'msg_1', output_index: 0, content_index: 0,
        part: {type: 'output_text', text: '', annotations: []}}];
    const text = failing ? reply.slice(0, 60) : reply;
    for (let i = 0; i < text.length; i += 7)
      frames.push({type: 'response.output_text.delta', item_id: 'msg_1', output_index: 0, content_index: 0, delta: text.slice(i, i + 7)});
    if (failing) {
      frames.push({type: 'response.failed', response: response('failed', {error: {code: 'server_error', message: 'The model crashed'}})});
    } else {
      frames.push({type: 'response.output_text.done', item_id: 'msg_1', output_index: 0, content_index: 0, text});
      frames.push({type: 'response.content_part.done', item_id: 'msg_1', output_index: 0, content_index: 0, part: {type: 'output_text', text, annotations: []}});
      frames.push({type: 'response.output_item.done', output_index: 0, item: Object.assign({}, item, {status: 'completed'})});
      frames.push({type: 'response.completed', response: response('completed', {usage: {input_tokens: 9, output_tokens: 40, total_tokens: 49}})});
    }
    frames.forEach((frame, n) => { frame.sequence_number = n; });
    writePaced(res, frames, (frame) => res.write(`event: ${frame.type}\ndata: ${JSON.stringify(frame)}\n\n`));
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));

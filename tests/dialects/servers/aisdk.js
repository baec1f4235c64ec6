// A route of a web app built on the Vercel AI SDK: POST /api/chat (what useChat posts:
// {id, messages: [{role, parts: [{type: "text", text}]}]}; seed 002's {"message"} is taken
// too) answers with the UI message stream the `ai` package itself produces
// (createUIMessageStream + pipeUIMessageStreamToResponse: the x-vercel-ai-ui-message-stream: v1
// header, SSE `data:` parts start, text-start, text-delta..., text-end, finish, then
// `data: [DONE]`). The reply holds a fenced code block. A prompt that contains "fail" throws
// after part of the reply: the SDK sends an `error` part with onError's text.
'use strict';
const http = require('http');
const {createUIMessageStream, pipeUIMessageStreamToResponse} = require('ai');
const {reply, json, readBody} = require('./common');

const pause = () => new Promise((resolve) => setTimeout(resolve, 2));

function promptOf(request) {
  if (typeof request.message === 'string') return request.message;
  const last = (request.messages || [])[request.messages.length - 1] || {};
  return (last.parts || []).filter((p) => p.type === 'text').map((p) => p.text).join('');
}

const server = http.createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/api/chat')
    return json(res, 404, {error: 'not found'});
  readBody(req, (body) => {
    const prompt = promptOf(JSON.parse(body));
    const failing = prompt.includes('fail');
    const stream = createUIMessageStream({
      execute: async ({writer}) => {
        writer.write({type: 'start', messageId: 'msg-1'});
        writer.write({type: 'text-start', id: 'text-1'});
        const text = failing ? reply.slice(0, 60) : reply;
        for (let i = 0; i < text.length; i += 7) {
          writer.write({type: 'text-delta', id: 'text-1', delta: text.slice(i, i + 7)});
          await pause();
        }
        if (failing) throw new Error('the model provider went away');
        writer.write({type: 'text-end', id: 'text-1'});
        writer.write({type: 'finish', finishReason: 'stop'});
      },
      onError: (error) => error.message,
    });
    pipeUIMessageStreamToResponse({response: res, stream});
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));

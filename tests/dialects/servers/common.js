// What the chat API servers share: the reply they stream (a fenced sum.js, then a Python
// snippet), a JSON answer, the request's body, and frames written a few milliseconds apart.
'use strict';

const reply = 'Sure. Save this as sum.js:\n\n```js title="sum.js"\nexport function sum(a, b) {\n  return a + b;\n}\n```\n\nThen:\n\n```python\nprint(1)\n```\n';

// Answers `status` with `body` as JSON.
function json(res, status, body) {
  res.writeHead(status, {'Content-Type': 'application/json'});
  res.end(JSON.stringify(body));
}

// Calls `then(body)` with the request's body, as text, once all of it has arrived.
function readBody(req, then) {
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => then(body));
}

// Writes each of `frames` with `write(frame)`, one every `delayMs` ms, then ends the response;
// stops when the client goes away.
function writePaced(res, frames, write, delayMs = 2) {
  let i = 0;
  const timer = setInterval(() => {
    if (i >= frames.length) { clearInterval(timer); res.end(); return; }
    write(frames[i++]);
  }, delayMs);
  res.on('close', () => clearInterval(timer));
}

module.exports = {reply, json, readBody, writePaced};

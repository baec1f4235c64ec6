// Seed 002 ("chat-text"): POST /api/v1/chat/unified/stream with {"message"} answers word by
// word as `data: {"text": "word "}` (or, under /bare/, bare JSON strings `data: "word "`),
// then closes the connection. The reply holds a fenced code block split across frames.
'use strict';
const http = require('http');
const {json, readBody, writePaced} = require('./common');

const reply = 'Here is `sum.py`:\n\n```python\ndef add(a, b):\n    return a + b\n```\n\nAnd a shell line:\n\n```bash\necho ok\n```\nDone.';

const server = http.createServer((req, res) => {
  if (req.method !== 'POST') { res.writeHead(405); res.end(); return; }
  readBody(req, (body) => {
    let message;
    try { message = JSON.parse(body).message; } catch (e) { message = undefined; }
    if (typeof message !== 'string')
      return json(res, 400, {error: 'missing message'});
    const bare = req.url.startsWith('/bare');
    res.writeHead(200, {'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache',
                        'X-Accel-Buffering': 'no'});
    const words = reply.match(/\S+\s*|\s+/g);
    writePaced(res, words, (word) => res.write(`data: ${JSON.stringify(bare ? word : {text: word})}\n\n`));
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));

// Seed 002 ("chat-text"): POST /api/v1/chat/unified/stream with {"message"} answers word by
// word as `data: {"text": "word "}` (or, under /bare/, bare JSON strings `data: "word "`),
// then closes the connection. The reply holds a fenced code block split across frames.
'use strict';
const http = require('http');

const reply = 'Here is `sum.py`:\n\n```python\ndef add(a, b):\n    return a + b\n```\n\nAnd a shell line:\n\n```bash\necho ok\n```\nDone.';

const server = http.createServer((req, res) => {
  if (req.method !== 'POST') { res.writeHead(405); res.end(); return; }
  let body = '';
  req.on('data', (c) => { body += c; });
  req.on('end', () => {
    let message;
    try { message = JSON.parse(body).message; } catch (e) { message = undefined; }
    if (typeof message !== 'string') {
      res.writeHead(400, {'Content-Type': 'application/json'});
      res.end(JSON.stringify({error: 'missing message'}));
      return;
    }
    const bare = req.url.startsWith('/bare');
    res.writeHead(200, {'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache',
                        'X-Accel-Buffering': 'no'});
    const words = reply.match(/\S+\s*|\s+/g);
    let i = 0;
    const timer = setInterval(() => {
      if (i >= words.length) { clearInterval(timer); res.end(); return; }
      const word = words[i++];
      res.write(`data: ${JSON.stringify(bare ? word : {text: word})}\n\n`);
    }, 2);
    res.on('close', () => clearInterval(timer));
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));

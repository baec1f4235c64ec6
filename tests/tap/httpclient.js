// One HTTP request with Node's own fetch, for the APIs the `openai` client does not speak
// (Ollama's native one): prints {status, contentType, body} as one JSON line, the body as the
// bytes arrived (text).   node httpclient.js METHOD URL [BODY] [AUTHORIZATION]
'use strict';
const [method, url, body, authorization] = process.argv.slice(2);
const headers = {'Content-Type': 'application/json'};
if (authorization) headers.Authorization = authorization;
fetch(url, {method, headers, body: method === 'GET' ? undefined : body}).then(async (response) => {
  const text = await response.text();
  process.stdout.write(JSON.stringify({status: response.status,
    contentType: response.headers.get('content-type'), body: text}) + '\n');
}, (e) => {
  process.stdout.write(JSON.stringify({error: e.message}) + '\n');
  process.exitCode = 1;
});

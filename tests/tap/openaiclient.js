// The official `openai` npm client (pinned in tests/package-lock.json) calling a base URL, as
// any tool would: prints one JSON line with what it received, so tst_openaitap can compare the
// answer through the tap with the answer without it.
//   node openaiclient.js MODE BASE_URL API_KEY [MODEL] [PROMPT]
//   stream      chat.completions.create({stream: true}): {chunks, text} or {error}
//   complete    the same without streaming: {completion} or {error}
//   raw         fetch of the streamed request: {status, contentType, body} (the bytes)
//   abort       a stream aborted after its third chunk: {received}
//   concurrent  two streams of PROMPT at once: {texts, errors}
//   many        PROMPT (a number) streams at once: {texts, errors}
//   models      models.list(): {models}; embeddings: embeddings.create(): {embedding}
'use strict';
const path = require('path');
const {OpenAI} = require(path.join(__dirname, '..', 'node_modules', 'openai'));

const [mode, baseURL, apiKey, model = 'mock-1', prompt = 'Write sum.js'] = process.argv.slice(2);
// No retries: an error must reach the test as the first answer was.
const client = new OpenAI({baseURL, apiKey, maxRetries: 0, timeout: 30000});
const messages = [{role: 'system', content: 'You write code.'}, {role: 'user', content: prompt}];

function errorOf(e) {
  const error = {status: e.status ?? null, name: e.constructor.name, message: e.message,
                 body: e.error ?? null, requestId: e.requestID ?? e.request_id ?? null};
  // Said on stderr only (it names ports): why a connection failed, when it did.
  if (e.cause) console.error(`openaiclient: ${e.message}: ${e.cause.message ?? e.cause} ${e.cause.cause?.message ?? ''}`);
  return {error};
}

async function stream(content = prompt) {
  const chunks = [];
  let text = '';
  try {
    const s = await client.chat.completions.create({model, messages: [messages[0], {role: 'user', content}], stream: true});
    for await (const chunk of s) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta?.content ?? '';
    }
    return {chunks, text};
  } catch (e) {
    return {chunks, text, ...errorOf(e)};
  }
}

async function main() {
  switch (mode) {
  case 'stream':
    return stream();
  case 'complete':
    try {
      return {completion: await client.chat.completions.create({model, messages})};
    } catch (e) {
      return errorOf(e);
    }
  case 'raw': {
    const response = await fetch(`${baseURL}/chat/completions`, {
      method: 'POST',
      headers: {'Content-Type': 'application/json', Authorization: `Bearer ${apiKey}`},
      body: JSON.stringify({model, messages, stream: true})});
    return {status: response.status, contentType: response.headers.get('content-type'),
            body: await response.text()};
  }
  case 'abort': {
    const s = await client.chat.completions.create({model, messages, stream: true});
    let received = 0;
    for await (const chunk of s) {
      if (chunk.choices[0]?.delta?.content) received++;
      if (received === 3) {
        s.controller.abort();
        break;
      }
    }
    return {received};
  }
  case 'concurrent': {
    // PROMPT names both replies' file ("name:same.js"): the tap must keep them apart.
    const [one, two] = await Promise.all([stream(prompt), stream(prompt)]);
    return {texts: [one.text, two.text], errors: [one.error ?? null, two.error ?? null]};
  }
  case 'many': { // PROMPT streams at once: {texts}
    const count = Number(prompt);
    const results = await Promise.all(Array.from({length: count}, (_, i) => stream(`Write sum.js, ${i}`)));
    return {texts: results.map((r) => r.text), errors: results.map((r) => r.error ?? null)};
  }
  case 'models':
    return {models: (await client.models.list()).data};
  case 'embeddings':
    return {embedding: (await client.embeddings.create({model: 'embed-1', input: 'hi'})).data[0].embedding};
  default:
    throw new Error(`unknown mode ${mode}`);
  }
}

main().then((result) => {
  process.stdout.write(JSON.stringify(result) + '\n');
}, (e) => {
  process.stdout.write(JSON.stringify(errorOf(e)) + '\n');
  process.exitCode = 1;
});

// Publishes every NDJSON line of a file as its own POST (nchan takes one message per request),
// pipelined on one keep-alive connection: up to IN_FLIGHT requests are sent before their
// answers arrive. One connection keeps the order; the pipeline keeps the server busy instead of
// waiting a round trip per event.
//   node publish-pipelined.js URL FILE [IN_FLIGHT]
"use strict";
const net = require("net");
const fs = require("fs");

const [url, file, inFlightText] = process.argv.slice(2);
const target = new URL(url);
const inFlight = Number(inFlightText || 256);
const lines = fs.readFileSync(file, "utf8").split("\n").filter((l) => l.trim());
const requests = lines.map((line) => {
  const body = Buffer.from(line);
  return Buffer.concat([
    Buffer.from(`POST ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\n` +
                `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`),
    body,
  ]);
});

let sent = 0;
let answered = 0;
let pending = Buffer.alloc(0);
const socket = net.connect(Number(target.port), target.hostname);

function fill() {
  while (sent < requests.length && sent - answered < inFlight)
    socket.write(requests[sent++]);
}

// Reads whole answers (status line, headers, Content-Length body); any status >= 300 fails.
function readAnswers() {
  for (;;) {
    const end = pending.indexOf("\r\n\r\n");
    if (end < 0)
      return;
    const head = pending.subarray(0, end).toString("latin1");
    const status = Number(head.split(" ")[1]);
    const lengthMatch = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    if (/\r\ntransfer-encoding:\s*chunked/i.test(head))
      throw new Error("chunked answers are not read by this publisher");
    const length = lengthMatch ? Number(lengthMatch[1]) : 0;
    if (pending.length < end + 4 + length)
      return;
    if (!(status >= 200 && status < 300))
      throw new Error(`HTTP ${status} for request ${answered + 1}`);
    pending = pending.subarray(end + 4 + length);
    ++answered;
  }
}

socket.on("connect", fill);
socket.on("data", (chunk) => {
  pending = Buffer.concat([pending, chunk]);
  try {
    readAnswers();
  } catch (error) {
    console.error(`publish-pipelined: ${error.message}`);
    process.exit(1);
  }
  if (answered === requests.length)
    socket.end();
  else
    fill();
});
socket.on("error", (error) => {
  console.error(`publish-pipelined: ${error.message}`);
  process.exit(1);
});
socket.on("close", () => {
  if (answered !== requests.length) {
    console.error(`publish-pipelined: connection closed after ${answered} of ${requests.length} answers`);
    process.exit(1);
  }
});

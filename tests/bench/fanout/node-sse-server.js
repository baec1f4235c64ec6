// The Node.js peer of the fan-out benchmark: a plain `http` SSE broadcaster.
//   node node-sse-server.js PORT
// GET /sub opens a stream; POST /pub with NDJSON broadcasts every line as one event.
"use strict";
const http = require("http");

const port = Number(process.argv[2] || 0);
const subscribers = new Set();
let sequence = 0;

const server = http.createServer((req, res) => {
  if (req.method === "GET" && req.url === "/sub") {
    res.writeHead(200, {
      "Content-Type": "text/event-stream",
      "Cache-Control": "no-cache",
      Connection: "keep-alive",
    });
    res.write("retry: 3000\n\n");
    subscribers.add(res);
    req.on("close", () => subscribers.delete(res));
    return;
  }
  if (req.method === "POST" && req.url === "/pub") {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const lines = Buffer.concat(chunks).toString("utf8").split("\n").filter((l) => l.trim());
      for (const line of lines) {
        // One serialisation per event, the same string written to every subscriber.
        const frame = `id: ${++sequence}\nevent: code\ndata: ${line}\n\n`;
        for (const res of subscribers) res.write(frame);
      }
      res.writeHead(202, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ published: lines.length }));
    });
    return;
  }
  res.writeHead(404);
  res.end();
});
server.listen(port, "127.0.0.1", () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
process.on("SIGTERM", () => process.exit(0));

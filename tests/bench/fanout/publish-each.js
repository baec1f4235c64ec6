// Publishes every NDJSON line of a file as its own POST (nchan takes one message per request),
// sequentially on one keep-alive connection.
//   node publish-each.js URL FILE
"use strict";
const http = require("http");
const fs = require("fs");

const [url, file] = process.argv.slice(2);
const lines = fs.readFileSync(file, "utf8").split("\n").filter((l) => l.trim());
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function post(body) {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", agent, headers: { "Content-Type": "application/json" } }, (res) => {
      res.resume();
      res.on("end", () => (res.statusCode < 300 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
    });
    req.on("error", reject);
    req.end(body);
  });
}

(async () => {
  for (const line of lines) await post(line);
  agent.destroy();
})().catch((error) => {
  console.error(`publish-each: ${error.message}`);
  process.exit(1);
});

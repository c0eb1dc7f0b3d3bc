'use strict';
// A small HTTP server: Slipway's tests build it into an image and run it.
const http = require('http');

const port = Number(process.env.PORT || 3000);
const version = process.env.APP_VERSION || '1';

function send(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const path = (req.url || '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
  } else if (path === '/health') {
    send(res, 200, 'application/json', JSON.stringify({ status: 'ok', version }));
  } else if (path === '/') {
    send(
      res,
      200,
      'text/html; charset=utf-8',
      `<!doctype html><html><head><title>node-app</title></head><body><h1>Hello from node-app</h1><p>version ${version}</p></body></html>`,
    );
  } else {
    send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  }
});

server.listen(port, () => console.log(`node-app ${version} listening on ${port}`));

// As PID 1 in a container node gets no default signal handlers: stop cleanly when ECS says so.
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  });
}

// Baseline: a bare node:http server answering one fixed response, nothing else.
import { createServer } from 'node:http';

const status = Number(process.env.BARE_STATUS ?? 200);
const body = process.env.BARE_BODY ?? JSON.stringify({ status: 'ok', version: '0.1.0', environment: 'local', checks: { store: 'ok', bus: 'ok' }, time: new Date().toISOString() });
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
    res.end(body);
  });
});
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}/api/v1`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));

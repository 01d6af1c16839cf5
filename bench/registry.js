#!/usr/bin/env node
// Helpers for bench/run.sh. Plain Node (20+), no dependencies.
//
//   node bench/registry.js seed REGISTRY TOKEN PASSWORD COUNT
//       creates COUNT tokens for the user TOKEN belongs to, on a real registry (Verdaccio)
//   node bench/registry.js keys REGISTRY TOKEN
//       prints the keys of the tokens of the user TOKEN belongs to, one line, space-separated
//   node bench/registry.js expect-empty REGISTRY TOKEN
//       fails unless that user has no tokens left (a benchmark of revoke lost none)
//   node bench/registry.js fake TOKENS PAGES TOKEN
//       serves TOKENS tokens over PAGES pages of /-/npm/v1/tokens (keep-alive, `urls.next`
//       links) to requests bearing TOKEN; prints its base URL on stdout once listening
'use strict';
const http = require('node:http');
const crypto = require('node:crypto');

async function seed(registry, token, password, count) {
  const url = new URL('-/npm/v1/tokens', registry);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const res = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ password, readonly: false, cidr_whitelist: [] }),
      });
      if (!res.ok) throw new Error(`token create failed: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    }
  };
  // One at a time: Verdaccio loses tokens created concurrently for the same user.
  await worker();
}

async function keys(registry, token) {
  const res = await fetch(new URL('-/npm/v1/tokens', registry), {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!res.ok) throw new Error(`token list failed: ${res.status} ${await res.text()}`);
  return (await res.json()).objects.map((t) => t.key);
}

function fake(total, pages, token) {
  // Deterministic keys, so every run lists the same tokens.
  let state = 0x9e3779b9;
  const random = () => {
    state ^= state << 13; state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5; state >>>= 0;
    return state;
  };
  const hex = (n) => Array.from({ length: n }, () => (random() % 16).toString(16)).join('');
  const perPage = Math.ceil(total / pages);
  const objects = Array.from({ length: total }, (_, i) => ({
    token: `${hex(6)}...${hex(6)}`,
    key: hex(128),
    cidr_whitelist: i % 7 === 0 ? ['192.0.2.0/24'] : null,
    readonly: i % 3 === 0,
    automation: false,
    created: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    updated: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
  }));
  let bodies = [];
  const server = http.createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const url = new URL(req.url, 'http://x');
    if (req.headers.authorization !== `Bearer ${token}`) {
      res.writeHead(401, { 'content-type': 'application/json' });
      return res.end('{"error":"unauthorized"}');
    }
    if (url.pathname !== '/-/npm/v1/tokens') {
      res.writeHead(404, { 'content-type': 'application/json' });
      return res.end('{"error":"not found"}');
    }
    const page = Number(url.searchParams.get('page') || 0);
    const body = bodies[page];
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'application/json' });
      return res.end('{"error":"no such page"}');
    }
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
  server.listen(0, '127.0.0.1', () => {
    const base = `http://127.0.0.1:${server.address().port}/`;
    bodies = Array.from({ length: pages }, (_, p) => Buffer.from(JSON.stringify({
      objects: objects.slice(p * perPage, (p + 1) * perPage),
      total,
      urls: p + 1 < pages ? { next: `${base}-/npm/v1/tokens?page=${p + 1}` } : {},
    })));
    console.log(base);
  });
}

const [command, ...args] = process.argv.slice(2);
if (command === 'seed') {
  seed(args[0], args[1], args[2], Number(args[3])).catch((e) => { console.error(e.message); process.exit(1); });
} else if (command === 'keys') {
  keys(args[0], args[1]).then((k) => console.log(k.join(' '))).catch((e) => { console.error(e.message); process.exit(1); });
} else if (command === 'expect-empty') {
  keys(args[0], args[1]).then((k) => {
    if (k.length) { console.error(`${k.length} token(s) left behind`); process.exit(1); }
  }).catch((e) => { console.error(e.message); process.exit(1); });
} else if (command === 'fake') {
  fake(Number(args[0]), Number(args[1]), args[2]);
} else {
  console.error('usage: registry.js seed REGISTRY TOKEN PASSWORD COUNT | keys REGISTRY TOKEN | expect-empty REGISTRY TOKEN | fake TOKENS PAGES TOKEN');
  process.exit(2);
}

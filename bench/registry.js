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
//   node bench/registry.js far DELAY_MS CERT KEY
//       a far registry: npmjs.org's token API (pages of 100 with `total` and
//       `?page=N&perPage=100` links, whoami, create, revoke), every answer DELAY_MS late.
//       Served over TLS (CERT and KEY, PEM) offering HTTP/2 and HTTP/1.1 by ALPN, as
//       npmjs.org does, and over plain HTTP/1.1. Prints, once listening, one line each: the
//       https base URL, the http one, the bearer token and keys of each user (see FAR_USERS),
//       as `user token key...`. `POST /-/bench/reset` (not delayed) restores every user's
//       tokens, for a run that revokes or rotates.
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

// The far registry's users: how many tokens each lists, and whether its own token is one of
// them (as a CI token is, for `status` and `rotate`).
const FAR_USERS = [
  { name: 'one', count: 6 },
  { name: 'thousand', count: 1000 },
  { name: 'revoker', count: 50 },
  { name: 'ci', count: 3, listsItself: true },
];
const PER_PAGE = 100;

function far(delayMs, certFile, keyFile) {
  const fs = require('node:fs');
  const http2 = require('node:http2');
  // Deterministic, so every run (and both tools) see the same tokens.
  let seed = 0x2545f491;
  const random = () => {
    seed ^= seed << 13; seed >>>= 0;
    seed ^= seed >>> 17;
    seed ^= seed << 5; seed >>>= 0;
    return seed;
  };
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const secret = () => 'npm_' + Array.from({ length: 36 }, () => chars[random() % chars.length]).join('');
  const hex = (n) => Array.from({ length: n }, () => (random() % 16).toString(16)).join('');
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`;
  const day = 86_400_000;
  const gat = (name, full, n) => ({
    name, description: null, key: uuid(), token: `${full.slice(0, 8)}...${full.slice(-4)}`,
    expiry: new Date(Date.UTC(2027, 0, 1) + n * day).toISOString(), cidr: [], bypass_2fa: false,
    revoked: null, created: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(),
    updated: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(), accessed: null,
    permissions: [{ name: 'package', action: 'write' }], scopes: [{ name: '@acme/a', type: 'package' }],
  });
  // Each user's bearer token and initial list, made once; reset restores them.
  const initial = FAR_USERS.map((user) => {
    const token = secret();
    const tokens = Array.from({ length: user.count }, (_, n) => gat(`${user.name}-${n}`, secret(), n));
    if (user.listsItself) tokens[0] = gat(`${user.name}-publish`, token, 0);
    return { name: user.name, token, tokens, self: user.listsItself ? tokens[0].key : null };
  });
  let users; // by bearer token: { name, tokens }
  let bearers; // the bearer token of each listed key known in full (a user's own, those created)
  const reset = () => {
    users = new Map();
    bearers = new Map();
    for (const user of initial) {
      const state = { name: user.name, tokens: user.tokens.map((t) => ({ ...t })) };
      users.set(user.token, state);
      if (user.self) bearers.set(user.self, user.token);
    }
  };
  reset();
  const send = (res, status, body) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const answer = (req, url, body, res) => {
    const user = users.get((req.headers.authorization || '').replace(/^Bearer /, ''));
    if (!user) return send(res, 401, { error: 'unauthorized' });
    const scheme = req.socket && req.socket.encrypted ? 'https' : 'http';
    const base = `${scheme}://${req.headers[':authority'] || req.headers.host}/`;
    if (req.method === 'GET' && url.pathname === '/-/whoami') return send(res, 200, { username: user.name });
    if (req.method === 'GET' && url.pathname === '/-/npm/v1/tokens') {
      const page = Number(url.searchParams.get('page') || 0);
      const pages = Math.max(1, Math.ceil(user.tokens.length / PER_PAGE));
      return send(res, 200, {
        objects: user.tokens.slice(page * PER_PAGE, (page + 1) * PER_PAGE),
        total: user.tokens.length,
        urls: { next: page + 1 < pages ? `${base}-/npm/v1/tokens?page=${page + 1}&perPage=${PER_PAGE}` : '' },
      });
    }
    if (req.method === 'POST' && url.pathname === '/-/npm/v1/tokens') {
      const full = secret();
      let asked = {};
      try { asked = JSON.parse(body); } catch {}
      const listed = gat(asked.name || null, full, user.tokens.length);
      user.tokens.push(listed);
      users.set(full, user);
      bearers.set(listed.key, full);
      return send(res, 201, { ...listed, token: full });
    }
    const deleting = url.pathname.match(/^\/-\/npm\/v1\/tokens\/token\/([^/]+)$/);
    if (req.method === 'DELETE' && deleting) {
      const at = user.tokens.findIndex((t) => t.key === decodeURIComponent(deleting[1]));
      if (at < 0) return send(res, 404, { error: 'not found' });
      const [revoked] = user.tokens.splice(at, 1);
      // A revoked token signs in no more (after this answer, which it authenticated).
      if (bearers.has(revoked.key)) users.delete(bearers.get(revoked.key));
      res.writeHead(204);
      return res.end();
    }
    return send(res, 404, { error: 'not found' });
  };
  const handler = (req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url, 'http://x');
      if (req.method === 'POST' && url.pathname === '/-/bench/reset') {
        reset();
        res.writeHead(204);
        return res.end();
      }
      setTimeout(() => answer(req, url, Buffer.concat(chunks).toString(), res), delayMs);
    });
  };
  const secure = http2.createSecureServer({
    cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile), allowHTTP1: true,
  }, handler);
  const plain = http.createServer({ keepAliveTimeout: 60_000 }, handler);
  secure.listen(0, '127.0.0.1', () => plain.listen(0, '127.0.0.1', () => {
    const lines = [
      `https://127.0.0.1:${secure.address().port}/`,
      `http://127.0.0.1:${plain.address().port}/`,
      ...initial.map((u) => [u.name, u.token, ...u.tokens.map((t) => t.key)].join(' ')),
    ];
    console.log(lines.join('\n'));
  }));
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
} else if (command === 'far') {
  far(Number(args[0]), args[1], args[2]);
} else {
  console.error('usage: registry.js seed REGISTRY TOKEN PASSWORD COUNT | keys REGISTRY TOKEN | expect-empty REGISTRY TOKEN | fake TOKENS PAGES TOKEN | far DELAY_MS CERT KEY');
  process.exit(2);
}

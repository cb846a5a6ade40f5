// The naive reference the load benchmark compares inventory-service with: the same purchase routes
// written the obvious way on Node.js/Express. SELECT then UPDATE in autocommit (no order, no event, no
// fencing), and a lock that is SET NX PX plus a Lua compare-and-delete on one Redis node.
'use strict';
const express = require('express');
const { Pool } = require('pg');
const { createClient } = require('redis');
const crypto = require('crypto');

const port = Number(process.env.PORT || 3400);
const db = new Pool({ connectionString: process.env.DB_URL || 'postgresql://postgres:postgres@127.0.0.1:5432/inventory_load', max: 10 });
const redis = createClient({ url: process.env.REDIS_URL || 'redis://127.0.0.1:6379' });
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function buy(id, quantity) {
  const read = await db.query('SELECT stock FROM products WHERE id = $1', [id]);
  if (read.rowCount === 0) return [404, { error: 'Product not found' }];
  const stock = read.rows[0].stock;
  if (stock < quantity) return [400, { error: 'Out of stock' }];
  const written = await db.query('UPDATE products SET stock = stock - $2 WHERE id = $1 RETURNING stock', [id, quantity]);
  return [200, { success: true, remaining_stock: written.rows[0].stock }];
}

async function withLock(id, work) {
  const key = `naive-lock:product:${id}`;
  const token = crypto.randomUUID();
  const deadline = Date.now() + 5000;
  while ((await redis.set(key, token, { NX: true, PX: 10000 })) === null) {
    if (Date.now() > deadline) return [409, { error: 'Lock not obtained in time' }];
    await sleep(2 + Math.random() * 8);
  }
  try {
    return await work();
  } finally {
    await redis.eval(RELEASE, { keys: [key], arguments: [token] });
  }
}

const app = express();
app.use(express.json());
const quantityOf = (req) => Number((req.body && req.body.quantity) || 1);
const send = (res) => ([status, body]) => res.status(status).json(body);
const fail = (res) => (err) => res.status(500).json({ error: String(err.message || err) });

app.post('/purchase/without-lock/:id', (req, res) => {
  buy(Number(req.params.id), quantityOf(req)).then(send(res), fail(res));
});
app.post('/purchase/with-lock/:id', (req, res) => {
  const id = Number(req.params.id);
  withLock(id, () => buy(id, quantityOf(req))).then(send(res), fail(res));
});
app.get('/health', (req, res) => res.json({ ok: true }));

redis.connect().then(() => app.listen(port, '127.0.0.1', () => console.log(`naive reference on 127.0.0.1:${port}`)));

// The seed's client code: axios against one inventory replica, by default http://localhost:3000
// (set BASE_URL to aim elsewhere, e.g. BASE_URL=http://localhost:3001).
const fs = require('fs');
const path = require('path');
const axios = require('axios');

const BASE_URL = (process.env.BASE_URL || 'http://localhost:3000').replace(/\/+$/, '');

// Resetting the stock is an admin route: it needs the services' admin token, from ADMIN_TOKEN or, with
// the local demo running, from the file the demo keeps it in.
function adminToken() {
  if (process.env.ADMIN_TOKEN) return process.env.ADMIN_TOKEN.trim();
  const file = path.join(__dirname, '..', '.demo', 'admin-token');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
}
const PRODUCT_ID = 1;
const BUYERS = 5;

async function resetStock(stock) {
  const response = await axios.post(`${BASE_URL}/stock/${PRODUCT_ID}/reset`, { stock },
    { headers: { Authorization: `Bearer ${adminToken()}` } });
  return response.data;
}

async function getStock() {
  const response = await axios.get(`${BASE_URL}/stock/${PRODUCT_ID}`);
  return response.data.stock;
}

// All buyers at once, as the seed did: no body, the service defaults the quantity to 1.
async function buyConcurrently(route) {
  const attempts = Array.from({ length: BUYERS }, (_, i) =>
    axios.post(`${BASE_URL}/purchase/${route}/${PRODUCT_ID}`)
      .then((response) => ({ buyer: i + 1, status: response.status, data: response.data }))
      .catch((error) => {
        if (!error.response) throw error; // no answer at all: the service is not running there
        return { buyer: i + 1, status: error.response.status, data: error.response.data };
      }));
  return Promise.all(attempts);
}

// Resets the stock to 1, lets BUYERS buy at once on the route and prints what each was told.
async function scenario(route) {
  console.log(`\n=== ${BUYERS} concurrent purchases ${route.toUpperCase()} (${BASE_URL}, product ${PRODUCT_ID}, stock reset to 1)`);
  await resetStock(1);
  const results = await buyConcurrently(route);
  for (const r of results) {
    const what = r.data && r.data.success ? `bought, remaining_stock ${r.data.remaining_stock}` : (r.data && r.data.error) || '';
    console.log(`  buyer ${r.buyer}: HTTP ${r.status} ${what}`);
  }
  const successes = results.filter((r) => r.data && r.data.success).length;
  const stock = await getStock();
  console.log(`  successful purchases: ${successes}, final stock: ${stock}`);
  return { successes, stock };
}

function explainConnectionError(error) {
  if (error && (error.code === 'ECONNREFUSED' || error.code === 'ENOTFOUND')) {
    console.error(`error: nothing answers at ${BASE_URL}. Start the demo (scripts/demo.sh) or set BASE_URL.`);
  } else {
    console.error(error && error.message ? error.message : error);
  }
  process.exit(2);
}

module.exports = { BASE_URL, BUYERS, scenario, explainConnectionError };

// Five buyers, one unit, with the distributed lock: exactly one succeeds and the stock ends at 0.
const { scenario, explainConnectionError } = require('./seed');

scenario('with-lock')
  .then(({ successes, stock }) => {
    const exact = successes === 1 && stock === 0;
    console.log(exact ? '  PASS: exactly one purchase, stock 0' : `  FAIL: expected 1 purchase and stock 0`);
    process.exitCode = exact ? 0 : 1;
  })
  .catch(explainConnectionError);

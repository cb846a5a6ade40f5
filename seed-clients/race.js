// Both scenarios in a row. Exit code 0 when the lock held (exactly one purchase, stock 0), 1 otherwise.
const { scenario, explainConnectionError } = require('./seed');

async function main() {
  const unlocked = await scenario('without-lock');
  const locked = await scenario('with-lock');
  const exact = locked.successes === 1 && locked.stock === 0;
  console.log('\n=== summary');
  console.log(`  without lock: ${unlocked.successes} sold from a stock of 1, final stock ${unlocked.stock}`
    + (unlocked.successes > 1 ? '  (oversold: the race)' : '  (no oversell this time)'));
  console.log(`  with lock:    ${locked.successes} sold from a stock of 1, final stock ${locked.stock}  ${exact ? 'PASS' : 'FAIL'}`);
  process.exitCode = exact ? 0 : 1;
}

main().catch(explainConnectionError);

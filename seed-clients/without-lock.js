// Five buyers, one unit, no lock: several succeed and the stock goes negative (the race).
const { scenario, explainConnectionError } = require('./seed');

scenario('without-lock')
  .then(({ successes, stock }) => {
    console.log(successes > 1 ? `  OVERSOLD: ${successes} sold from a stock of 1 (stock ${stock})` : '  no oversell this time');
  })
  .catch(explainConnectionError);

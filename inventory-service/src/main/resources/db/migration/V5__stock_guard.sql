-- The highest read/write-lock fencing token ('stock:all') that has used the stock levels as a whole.
-- Stock reports raise it with their reader's token before they read; admin stock changes (resets) claim
-- it with their writer's token and write each product only while it still carries that token. The lock
-- gives a writer a token above every earlier reader's and writer's, so a writer whose lease ran out
-- (a paused process) cannot write after a newer report or writer has come in.
CREATE TABLE stock_guard (
    id          SMALLINT PRIMARY KEY CHECK (id = 1),
    fence_token BIGINT NOT NULL
);
INSERT INTO stock_guard (id, fence_token) VALUES (1, 0);

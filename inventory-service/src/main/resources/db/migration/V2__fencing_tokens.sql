-- The highest lock fencing token that has claimed or written each product row. Locked purchases
-- raise it when they read and check it when they write, so a holder whose lease ran out cannot
-- write after a newer holder has touched the row.
ALTER TABLE products ADD COLUMN fence_token BIGINT NOT NULL DEFAULT 0;

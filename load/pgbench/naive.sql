-- The naive reference (load/naive-node): SELECT, then UPDATE in autocommit; no order, no event.
\set id random(:first, :last)
SELECT stock FROM products WHERE id = :id;
UPDATE products SET stock = stock - 1 WHERE id = :id;

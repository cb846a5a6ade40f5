-- /purchase/with-lock as inventory-service sends it (processing delay 0): the lock-free sold-out check,
-- the fence claim (its own autocommit transaction), then decrement, order and event in one transaction.
-- The token is far above any lock's, on products of their own (pgbench runs in a database of its own).
\set id random(:first, :last)
\set token 9000000000000000000
SELECT id, name, stock, price, fence_token, updated_at FROM products WHERE id = :id;
UPDATE products SET fence_token = :token WHERE id = :id AND fence_token <= :token RETURNING id, name, stock, price, fence_token, updated_at;
BEGIN;
UPDATE products SET stock = stock - 1, fence_token = :token, updated_at = now() WHERE id = :id AND fence_token <= :token RETURNING stock;
INSERT INTO orders (product_id, quantity, unit_price, strategy, remaining_stock, fencing_token, idempotency_key) VALUES (:id, 1, 10.00, 'with-lock', 1, :token, NULL) RETURNING id;
INSERT INTO outbox_events (event_id, event_type, routing_key, payload) VALUES (gen_random_uuid(), 'inventory.purchased', 'inventory.purchased', '{"eventId":"00000000-0000-0000-0000-000000000000","type":"inventory.purchased","productId":1,"quantity":1,"orderId":1,"remainingStock":1,"strategy":"with-lock","occurredAt":"2026-11-29T00:00:00Z"}');
END;

-- /purchase/select-for-update: row lock, decrement, order and event, one transaction.
\set id random(:first, :last)
BEGIN;
SET LOCAL lock_timeout = '5000ms';
SELECT id, name, stock, price, fence_token, updated_at FROM products WHERE id = :id FOR UPDATE;
UPDATE products SET stock = stock - 1, updated_at = now() WHERE id = :id RETURNING stock;
INSERT INTO orders (product_id, quantity, unit_price, strategy, remaining_stock, fencing_token, idempotency_key) VALUES (:id, 1, 10.00, 'select-for-update', 1, NULL, NULL) RETURNING id;
INSERT INTO outbox_events (event_id, event_type, routing_key, payload) VALUES (gen_random_uuid(), 'inventory.purchased', 'inventory.purchased', '{"eventId":"00000000-0000-0000-0000-000000000000","type":"inventory.purchased","productId":1,"quantity":1,"orderId":1,"remainingStock":1,"strategy":"with-lock","occurredAt":"2026-11-29T00:00:00Z"}');
END;

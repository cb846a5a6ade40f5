-- The least a purchase that keeps its order and its event must write: one UPDATE and two INSERTs, one commit.
\set id random(:first, :last)
BEGIN;
UPDATE products SET stock = stock - 1, updated_at = now() WHERE id = :id RETURNING stock;
INSERT INTO orders (product_id, quantity, unit_price, strategy, remaining_stock, fencing_token, idempotency_key) VALUES (:id, 1, 10.00, 'with-lock', 1, NULL, NULL) RETURNING id;
INSERT INTO outbox_events (event_id, event_type, routing_key, payload) VALUES (gen_random_uuid(), 'inventory.purchased', 'inventory.purchased', '{"eventId":"00000000-0000-0000-0000-000000000000","type":"inventory.purchased","productId":1,"quantity":1,"orderId":1,"remainingStock":1,"strategy":"with-lock","occurredAt":"2026-11-29T00:00:00Z"}');
END;

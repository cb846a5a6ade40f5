-- /purchase/select-for-update as inventory-service sends it: row lock, then the sale, one transaction.
\set id random(:first, :last)
BEGIN;
SET LOCAL lock_timeout = '5000ms';
SELECT id, name, stock, price, fence_token, updated_at FROM products WHERE id = :id FOR UPDATE;
WITH sold AS (
    UPDATE products SET stock = stock - 1, updated_at = now()
    WHERE id = :id AND TRUE
    RETURNING id, stock, price),
placed AS (
    INSERT INTO orders (product_id, quantity, unit_price, strategy, remaining_stock, fencing_token, idempotency_key)
    SELECT id, 1, price, 'select-for-update', stock, NULL::bigint, NULL FROM sold
    RETURNING id, product_id, remaining_stock, gen_random_uuid() AS event_id),
announced AS (
    INSERT INTO outbox_events (event_id, event_type, routing_key, payload)
    SELECT event_id, 'inventory.purchased', 'inventory.purchased', json_build_object('eventId', event_id, 'type', 'inventory.purchased'::text, 'productId', product_id,
        'quantity', 1::int, 'orderId', id, 'remainingStock', remaining_stock, 'strategy', 'select-for-update'::text,
        'occurredAt', '2026-11-30T00:00:00Z'::text)::text
    FROM placed)
SELECT id, remaining_stock FROM placed;
END;

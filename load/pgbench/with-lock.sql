-- /purchase/with-lock as inventory-service sends it at processing delay 0: the lock-free sold-out check,
-- then (under the lock) the sale that claims the row for the holder's fencing token, one statement.
-- The token, which the service gets from the lock, comes from a sequence read in the sold-out check's
-- round trip (a strictly rising token per product, as the lock hands out).
\set id random(:first, :last)
SELECT id, name, stock, price, fence_token, updated_at, nextval('pgbench_fencing_token') AS token FROM products WHERE id = :id \gset
WITH sold AS (
    UPDATE products SET stock = stock - 1, updated_at = now(), fence_token = :token
    WHERE id = :id AND fence_token < :token AND stock >= 1
    RETURNING id, stock, price),
placed AS (
    INSERT INTO orders (product_id, quantity, unit_price, strategy, remaining_stock, fencing_token, idempotency_key)
    SELECT id, 1, price, 'with-lock', stock, :token, NULL FROM sold
    RETURNING id, product_id, remaining_stock, gen_random_uuid() AS event_id),
announced AS (
    INSERT INTO outbox_events (event_id, event_type, routing_key, payload)
    SELECT event_id, 'inventory.purchased', 'inventory.purchased', json_build_object('eventId', event_id, 'type', 'inventory.purchased'::text, 'productId', product_id,
        'quantity', 1::int, 'orderId', id, 'remainingStock', remaining_stock, 'strategy', 'with-lock'::text,
        'occurredAt', '2026-11-30T00:00:00Z'::text)::text
    FROM placed)
SELECT id, remaining_stock FROM placed;

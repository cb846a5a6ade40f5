-- /purchase/without-lock as inventory-service sends it: read, then the sale without a condition, one statement.
\set id random(:first, :last)
SELECT id, name, stock, price, fence_token, updated_at FROM products WHERE id = :id;
WITH sold AS (
    UPDATE products SET stock = stock - 1, updated_at = now()
    WHERE id = :id AND TRUE
    RETURNING id, stock, price),
placed AS (
    INSERT INTO orders (product_id, quantity, unit_price, strategy, remaining_stock, fencing_token, idempotency_key)
    SELECT id, 1, price, 'without-lock', stock, NULL::bigint, NULL FROM sold
    RETURNING id, product_id, remaining_stock, gen_random_uuid() AS event_id),
announced AS (
    INSERT INTO outbox_events (event_id, event_type, routing_key, payload)
    SELECT event_id, 'inventory.purchased', 'inventory.purchased', json_build_object('eventId', event_id, 'type', 'inventory.purchased'::text, 'productId', product_id,
        'quantity', 1::int, 'orderId', id, 'remainingStock', remaining_stock, 'strategy', 'without-lock'::text,
        'occurredAt', '2026-11-30T00:00:00Z'::text)::text
    FROM placed)
SELECT id, remaining_stock FROM placed;

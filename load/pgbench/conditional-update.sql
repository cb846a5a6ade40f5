-- /purchase/conditional-update as inventory-service sends it: the sale only while the stock covers it, one statement.
\set id random(:first, :last)
WITH sold AS (
    UPDATE products SET stock = stock - 1, updated_at = now()
    WHERE id = :id AND stock >= 1
    RETURNING id, stock, price),
placed AS (
    INSERT INTO orders (product_id, quantity, unit_price, strategy, remaining_stock, fencing_token, idempotency_key)
    SELECT id, 1, price, 'conditional-update', stock, NULL::bigint, NULL FROM sold
    RETURNING id, product_id, remaining_stock, gen_random_uuid() AS event_id),
announced AS (
    INSERT INTO outbox_events (event_id, event_type, routing_key, payload)
    SELECT event_id, 'inventory.purchased', 'inventory.purchased', json_build_object('eventId', event_id, 'type', 'inventory.purchased'::text, 'productId', product_id,
        'quantity', 1::int, 'orderId', id, 'remainingStock', remaining_stock, 'strategy', 'conditional-update'::text,
        'occurredAt', '2026-11-30T00:00:00Z'::text)::text
    FROM placed)
SELECT id, remaining_stock FROM placed;

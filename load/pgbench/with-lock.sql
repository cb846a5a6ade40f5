-- /purchase/with-lock as inventory-service sends it at processing delay 0 for a product in stock: under the
-- lock, the sale that claims the row for the holder's fencing token, one statement (the service reads the
-- stock before the lock only for products it has seen sold out). The service's tokens come from the lock
-- and rise with every holder; here each client counts its own from a base above every earlier run's
-- (pgbench keeps a client's variables from one transaction to the next) and buys only its own share of the
-- products, so its token is always above the row's fence, as the lock's are.
\set share (:last - :first + 1) / :clients
\set id :first + :client_id * :share + random(0, :share - 1)
\set n :n + 1
\set token :tokenbase + :n
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

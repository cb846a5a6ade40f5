-- Products and the orders that sold them. Stock has no CHECK (stock >= 0) on purpose: the
-- without-lock route exists to show overselling, so the database must let stock go negative.
CREATE TABLE products (
    id          BIGSERIAL PRIMARY KEY,
    name        TEXT           NOT NULL CHECK (length(btrim(name)) > 0),
    stock       INTEGER        NOT NULL,
    price       NUMERIC(12, 2) NOT NULL CHECK (price >= 0),
    created_at  TIMESTAMPTZ    NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ    NOT NULL DEFAULT now()
);

CREATE TABLE orders (
    id              BIGSERIAL PRIMARY KEY,
    product_id      BIGINT         NOT NULL REFERENCES products (id),
    quantity        INTEGER        NOT NULL CHECK (quantity > 0),
    unit_price      NUMERIC(12, 2) NOT NULL,
    strategy        TEXT           NOT NULL,
    remaining_stock INTEGER        NOT NULL,
    fencing_token   BIGINT,
    created_at      TIMESTAMPTZ    NOT NULL DEFAULT now()
);

CREATE INDEX orders_by_product ON orders (product_id, id);

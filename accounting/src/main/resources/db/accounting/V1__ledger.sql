-- The stock ledger: postings (the double-entry journal entries), the valuation state they were computed from, and
-- the consumer's journal position, all written in one transaction per commit. Portable SQL: the same script runs on
-- H2 and PostgreSQL. Money columns are BIGINT millionths of the currency unit; quantities are whole units.

-- Where the consumer is in the journal: the last event whose postings are committed, and the excerpt holding it.
CREATE TABLE consumer_position (
    consumer      VARCHAR(64) NOT NULL PRIMARY KEY,
    last_seq      BIGINT      NOT NULL,
    excerpt_index BIGINT      NOT NULL,
    committed_at  BIGINT      NOT NULL  -- wall clock, epoch ms, for operators
);

-- The chart of accounts the postings were made against; stock marks the inventory accounts (on hand and in transit).
CREATE TABLE account (
    code  VARCHAR(32)  NOT NULL PRIMARY KEY,
    name  VARCHAR(200) NOT NULL,
    stock BOOLEAN      NOT NULL
);

-- The journal's interned names: kind 0 SKU, 1 location, 2 channel.
CREATE TABLE symbol (
    kind SMALLINT NOT NULL,
    id   INTEGER  NOT NULL,
    name VARCHAR(32767) NOT NULL,
    PRIMARY KEY (kind, id)
);

-- One row per entry: debit one account, credit another, the same amount. id = seq * 4 + leg (a receipt at standard
-- cost has a second leg, its price variance), so posting an event twice violates the primary key.
CREATE TABLE posting (
    id              BIGINT      NOT NULL PRIMARY KEY,
    seq             BIGINT      NOT NULL,
    kind            SMALLINT    NOT NULL,
    debit_account   VARCHAR(32) NOT NULL,
    credit_account  VARCHAR(32) NOT NULL,
    amount          BIGINT      NOT NULL CHECK (amount >= 0),
    sku             INTEGER     NOT NULL,
    debit_location  INTEGER     NOT NULL,
    credit_location INTEGER     NOT NULL,
    quantity        BIGINT      NOT NULL,
    correlation_id  BIGINT      NOT NULL,
    posted_at       BIGINT      NOT NULL,  -- engine time of the command, epoch ms
    reference       VARCHAR(32767)          -- order, transfer or purchase order id
);

-- Each SKU's cost method (1 FIFO, 2 moving average, 3 standard), fixed when it is first valued.
CREATE TABLE sku_costing (
    sku           INTEGER  NOT NULL PRIMARY KEY,
    method        SMALLINT NOT NULL,
    standard_cost BIGINT   NOT NULL,  -- -1 until known
    last_cost     BIGINT   NOT NULL   -- last receipt unit cost, -1 none
);

-- Units and their cost per SKU x location: the pool, and for FIFO its cost layers, oldest first, packed as 24 bytes
-- each (units, cost, seq of the event that created the layer: three big-endian 64-bit integers). One row per
-- SKU x location is rewritten per commit that touched it, which costs far less than a row per layer when layers are
-- created and consumed by the thousand.
CREATE TABLE stock_position (
    sku       INTEGER NOT NULL,
    location  INTEGER NOT NULL,
    units     BIGINT  NOT NULL,
    cost      BIGINT  NOT NULL,
    last_cost BIGINT  NOT NULL,
    layers    BYTEA,
    PRIMARY KEY (sku, location)
);

-- Cost of units in transit, per transfer, oldest piece first; valued at the destination.
CREATE TABLE transit_layer (
    transfer_id   VARCHAR(32767) NOT NULL,
    layer_no      INTEGER NOT NULL,
    sku           INTEGER NOT NULL,
    from_location INTEGER NOT NULL,
    to_location   INTEGER NOT NULL,
    units         BIGINT  NOT NULL,
    cost          BIGINT  NOT NULL,
    PRIMARY KEY (transfer_id, layer_no)
);

-- Order lines the ledger needs beyond one commit: every line of an order open at a commit, and the shipped lines
-- (and kit lines) of finished orders, for returns. An order id the engine forgot can be reserved again: reserve_seq
-- tells the orders apart. line_no -1 stands for a reservation committed before its lines.
CREATE TABLE order_line (
    order_id       VARCHAR(32767) NOT NULL,
    reserve_seq    BIGINT  NOT NULL,
    line_no        INTEGER NOT NULL,
    sku            INTEGER NOT NULL,
    location       INTEGER NOT NULL,
    factor         BIGINT  NOT NULL,
    shipped_units  BIGINT  NOT NULL,
    shipped_cost   BIGINT  NOT NULL,
    returned_units BIGINT  NOT NULL,
    returned_cost  BIGINT  NOT NULL,
    PRIMARY KEY (order_id, reserve_seq, line_no)
);

-- The names of posting.kind's codes, for reading the ledger in SQL (SELECT k.name, SUM(p.amount) FROM posting p JOIN
-- posting_kind k ON k.code = p.kind GROUP BY k.name). The names are the chart's keys; the codes are PostingKind's,
-- which never change. A new kind needs a migration adding its row (SchemaUpgradeTest holds the two together).
CREATE TABLE posting_kind (
    code SMALLINT    NOT NULL PRIMARY KEY,
    name VARCHAR(32) NOT NULL UNIQUE
);

INSERT INTO posting_kind (code, name) VALUES
    (1, 'receipt'),
    (2, 'shipment'),
    (3, 'sale'),
    (4, 'return'),
    (5, 'damage'),
    (6, 'write_off'),
    (7, 'count_gain'),
    (8, 'count_loss'),
    (9, 'adjustment_gain'),
    (10, 'adjustment_loss'),
    (11, 'transfer_out'),
    (12, 'transfer_in'),
    (13, 'ppv');

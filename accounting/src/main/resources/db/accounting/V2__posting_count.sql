-- How many postings the ledger held when the position was committed, written in the same transaction: a ledger whose
-- posting count differs lost part of committed work in a crash (or kept part of uncommitted work), which the
-- position alone cannot show. NULL for a ledger committed before the column existed, until its next commit.
ALTER TABLE consumer_position ADD COLUMN postings BIGINT;

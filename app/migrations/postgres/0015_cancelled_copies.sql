-- A holder may cancel (作废) a ready copy early, e.g. one sent to the wrong party: it then
-- verifies as cancelled by its holder. The copy stays (it still counts toward the 3-in-90-days
-- rule, see docs/domain.md); only this instant is added.
ALTER TABLE annotations ADD COLUMN cancelled_at BIGINT;

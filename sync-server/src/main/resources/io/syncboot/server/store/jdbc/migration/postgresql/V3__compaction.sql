-- History compaction: when each changeset was committed (epoch milliseconds), and the horizon of a
-- partition (history at or below it is removed; a client whose cursor is below it must reset).

ALTER TABLE syncboot_history ADD COLUMN committed_at BIGINT NOT NULL DEFAULT 0;

ALTER TABLE syncboot_partition ADD COLUMN compacted_version BIGINT NOT NULL DEFAULT 0;

-- The content bytes of the partition's document states (the sum of syncboot_document.size_bytes),
-- kept by every integration: a bootstrap's progress total without a scan of the documents.
ALTER TABLE syncboot_partition ADD COLUMN snapshot_bytes BIGINT NOT NULL DEFAULT 0;
UPDATE syncboot_partition SET snapshot_bytes =
    (SELECT COALESCE(SUM(d.size_bytes), 0) FROM syncboot_document d WHERE d.partition_id = syncboot_partition.id);

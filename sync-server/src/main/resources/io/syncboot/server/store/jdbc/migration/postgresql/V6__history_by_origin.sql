-- The history row of a client file's changeset, found by its client version: an upload that sends a
-- client version again is compared with what was integrated for it (a file copied to a second
-- device reuses its client versions with other content). On a large history, build it beforehand without
-- blocking writes (CREATE INDEX CONCURRENTLY syncboot_history_origin ON syncboot_history (origin_file_id,
-- client_version)); this migration then finds it.
CREATE INDEX IF NOT EXISTS syncboot_history_origin ON syncboot_history (origin_file_id, client_version);

-- The client file under which the server records its own writes on a partition (compensating
-- writes that revert rejected uploads). Allocated on first use.

ALTER TABLE syncboot_partition ADD COLUMN server_file_id BIGINT REFERENCES syncboot_client_file (id);

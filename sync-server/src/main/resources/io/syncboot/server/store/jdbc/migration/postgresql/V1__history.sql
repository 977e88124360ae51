-- SyncBoot server history, PostgreSQL. Versions, ids and salts are 64-bit integers. Names and keys
-- use the "C" collation so that they compare and sort as bytes, which keyset paging relies on.

CREATE TABLE syncboot_meta (
    name  TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE syncboot_partition (
    id             BIGSERIAL PRIMARY KEY,
    name           TEXT COLLATE "C" NOT NULL UNIQUE,
    latest_version BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE syncboot_client_file (
    id                  BIGSERIAL PRIMARY KEY,
    partition_id        BIGINT NOT NULL REFERENCES syncboot_partition (id),
    salt                BIGINT NOT NULL,
    last_client_version BIGINT NOT NULL DEFAULT 0,
    created_at          BIGINT NOT NULL
);

CREATE TABLE syncboot_history (
    partition_id   BIGINT NOT NULL REFERENCES syncboot_partition (id),
    server_version BIGINT NOT NULL,
    origin_file_id BIGINT NOT NULL REFERENCES syncboot_client_file (id),
    client_version BIGINT NOT NULL,
    size_bytes     BIGINT NOT NULL,
    ops            TEXT   NOT NULL,
    PRIMARY KEY (partition_id, server_version)
);

CREATE TABLE syncboot_document (
    partition_id BIGINT NOT NULL REFERENCES syncboot_partition (id),
    collection   TEXT COLLATE "C" NOT NULL,
    doc_id       TEXT COLLATE "C" NOT NULL,
    state        TEXT   NOT NULL,
    size_bytes   BIGINT NOT NULL,
    last_version BIGINT NOT NULL,
    PRIMARY KEY (partition_id, collection, doc_id)
);

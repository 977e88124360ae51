-- SyncBoot server history, SQLite. Versions, ids and salts are 64-bit integers.

CREATE TABLE syncboot_meta (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE syncboot_partition (
    id             INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL UNIQUE,
    latest_version INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE syncboot_client_file (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    partition_id        INTEGER NOT NULL REFERENCES syncboot_partition (id),
    salt                INTEGER NOT NULL,
    last_client_version INTEGER NOT NULL DEFAULT 0,
    created_at          INTEGER NOT NULL
);

CREATE TABLE syncboot_history (
    partition_id   INTEGER NOT NULL REFERENCES syncboot_partition (id),
    server_version INTEGER NOT NULL,
    origin_file_id INTEGER NOT NULL REFERENCES syncboot_client_file (id),
    client_version INTEGER NOT NULL,
    size_bytes     INTEGER NOT NULL,
    ops            TEXT    NOT NULL,
    PRIMARY KEY (partition_id, server_version)
);

CREATE TABLE syncboot_document (
    partition_id INTEGER NOT NULL REFERENCES syncboot_partition (id),
    collection   TEXT    NOT NULL,
    doc_id       TEXT    NOT NULL,
    state        TEXT    NOT NULL,
    size_bytes   INTEGER NOT NULL,
    last_version INTEGER NOT NULL,
    PRIMARY KEY (partition_id, collection, doc_id)
);

-- The user a client file was allocated to: only that user may ident with it (NULL: not recorded).
ALTER TABLE syncboot_client_file ADD COLUMN owner VARCHAR(512);

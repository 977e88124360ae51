CREATE TABLE app_notes (id BIGINT PRIMARY KEY, text VARCHAR(200) NOT NULL);
INSERT INTO app_notes VALUES (1, 'the application''s own data');

-- Long-term memory (longterm.db): knowledge documents split into chunks with
-- a full-text index. Procedures and decisions are documents of their kind.
-- AUTOINCREMENT: ids are never reused, so an id held across an await (an
-- embedding in flight, an API client) cannot come to mean another row.
CREATE TABLE documents (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  title        TEXT    NOT NULL,
  -- Where it came from (a path, a URL, "goal:12"); NULL for notes. A second
  -- ingest of the same source replaces the document in place.
  source       TEXT    UNIQUE,
  kind         TEXT    NOT NULL DEFAULT 'document' CHECK (kind IN ('document', 'procedure', 'decision')),
  format       TEXT    NOT NULL DEFAULT 'text' CHECK (format IN ('text', 'markdown')),
  -- sha256 of the text as given (line endings normalised): same text, same document.
  content_hash TEXT    NOT NULL,
  content      TEXT    NOT NULL,
  -- JSON: a procedure's steps and goal, a decision's options and outcome.
  meta         TEXT    NOT NULL DEFAULT '{}',
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE INDEX documents_hash ON documents (content_hash);
CREATE INDEX documents_kind_time ON documents (kind, updated_at);

CREATE TABLE chunks (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  position    INTEGER NOT NULL,
  -- The headings above the chunk ("Nginx > Reverse proxy"): context for a reader and the ranker.
  context     TEXT    NOT NULL DEFAULT '',
  text        TEXT    NOT NULL,
  UNIQUE (document_id, position)
);

-- Contentless (the text lives in chunks once), deletable; porter stemming so
-- "restarting" finds "restart". rowid = chunks.id.
CREATE VIRTUAL TABLE chunks_fts USING fts5 (
  title, context, text,
  content = '', contentless_delete = 1,
  tokenize = 'porter unicode61 remove_diacritics 2'
);

-- Triggers keep the index in the same transaction as the rows, whatever deletes them (cascades included).
CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
  INSERT INTO chunks_fts (rowid, title, context, text)
  VALUES (new.id, (SELECT title FROM documents WHERE id = new.document_id), new.context, new.text);
END;
CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
  DELETE FROM chunks_fts WHERE rowid = old.id;
END;
CREATE TRIGGER documents_fts_title AFTER UPDATE OF title ON documents BEGIN
  DELETE FROM chunks_fts WHERE rowid IN (SELECT id FROM chunks WHERE document_id = new.id);
  INSERT INTO chunks_fts (rowid, title, context, text) SELECT id, new.title, context, text FROM chunks WHERE document_id = new.id;
END;

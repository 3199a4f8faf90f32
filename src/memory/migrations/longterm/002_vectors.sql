-- Embedding vectors on chunks: unit-length float32 BLOBs tagged with the
-- model that made them, so vectors of different models are never compared;
-- and the IVF index's centroids per model, so opening the database does not
-- re-run k-means.
ALTER TABLE chunks ADD COLUMN embed_model TEXT;
ALTER TABLE chunks ADD COLUMN embed_dims INTEGER;
-- The IVF list the vector sits in under the centroids stored for its model.
ALTER TABLE chunks ADD COLUMN ivf_list INTEGER;
ALTER TABLE chunks ADD COLUMN embedding BLOB;
CREATE INDEX chunks_model ON chunks (embed_model);

CREATE TABLE vector_index (
  model      TEXT    PRIMARY KEY,
  dims       INTEGER NOT NULL,
  nlist      INTEGER NOT NULL,
  centroids  BLOB    NOT NULL,
  -- How many vectors it was trained on: retraining is due when the count has grown 4×.
  trained_on INTEGER NOT NULL,
  trained_at INTEGER NOT NULL
);

-- A search index written by hand
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX "Post_title_trgm_idx" ON "Post" USING GIN ("title" gin_trgm_ops);

-- A backfill: every row of a column this migration adds gets its value.
ALTER TABLE "User" ADD COLUMN "slug" TEXT;
UPDATE "User" SET "slug" = lower("name");
ALTER TABLE "User" ALTER COLUMN "slug" SET NOT NULL;

-- Hand-written and re-runnable: the same with IF NOT EXISTS.
ALTER TABLE "Post" ADD COLUMN IF NOT EXISTS "score" INTEGER;
UPDATE "Post" SET "score" = 0;

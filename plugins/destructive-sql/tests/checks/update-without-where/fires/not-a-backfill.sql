-- Not a backfill: "name" existed before this migration, and "slug" is
-- added to another table.
ALTER TABLE "Team" ADD COLUMN "slug" TEXT;
UPDATE "User" SET "slug" = lower("name"), "name" = upper("name");

-- Written by hand: varchar(255) for a String, a timestamp without
-- Prisma's precision, real for a Float, text for a uuid.
CREATE TABLE "Article" (
    "id" SERIAL NOT NULL,
    "title" VARCHAR(255) NOT NULL,
    "slug" VARCHAR(80) NOT NULL,
    "ref" TEXT NOT NULL,
    "published" TIMESTAMP NOT NULL,
    "rating" REAL NOT NULL,

    CONSTRAINT "Article_pkey" PRIMARY KEY ("id")
);

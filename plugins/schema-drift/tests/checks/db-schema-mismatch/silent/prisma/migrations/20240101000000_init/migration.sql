-- Each table in its model's schema; `Post` unqualified, so in `public`.
CREATE SCHEMA IF NOT EXISTS "auth";

CREATE TYPE "auth"."Role" AS ENUM ('USER', 'ADMIN');

CREATE TABLE "auth"."Account" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "role" "auth"."Role" NOT NULL DEFAULT 'USER',

    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "Post" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,

    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);

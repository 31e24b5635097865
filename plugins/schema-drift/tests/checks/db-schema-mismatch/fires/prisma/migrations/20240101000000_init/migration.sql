-- Written by hand: the schema exists, but `Account` and `Role` are
-- created without it, in `public`.
CREATE SCHEMA IF NOT EXISTS "auth";

CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');

CREATE TABLE "Account" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'USER',

    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "public"."Post" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,

    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);

-- Defaults spelled otherwise than Prisma writes them, with the same values.
CREATE TYPE "Role" AS ENUM ('user', 'admin');

-- CreateTable
CREATE TABLE "Post" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "published" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "views" INTEGER NOT NULL DEFAULT (0),
    "rating" DECIMAL(65,30) NOT NULL DEFAULT 1.50,
    "slug" TEXT NOT NULL DEFAULT ''::text,
    "role" "Role" NOT NULL DEFAULT 'user'::"Role",

    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);

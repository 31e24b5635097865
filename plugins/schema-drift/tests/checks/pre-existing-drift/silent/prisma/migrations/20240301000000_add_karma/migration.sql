-- AlterTable
ALTER TABLE "User" ADD COLUMN     "karma" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "nickname" TEXT;

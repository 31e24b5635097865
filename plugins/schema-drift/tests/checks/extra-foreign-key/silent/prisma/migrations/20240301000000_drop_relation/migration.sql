-- DropForeignKey
ALTER TABLE "User" DROP CONSTRAINT "User_teamId_fkey";

-- Named by hand, not as Prisma names them.
CREATE INDEX "Post_author_idx" ON "Post"("authorId");

ALTER TABLE "Post" RENAME CONSTRAINT "Post_authorId_fkey" TO "Post_author_fkey";

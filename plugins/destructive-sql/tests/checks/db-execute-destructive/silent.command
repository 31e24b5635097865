npx prisma db execute --stdin <<< 'DELETE FROM "Session" WHERE "expiresAt" < now()'

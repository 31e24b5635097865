npx prisma db execute --stdin <<< 'DELETE FROM "User"'

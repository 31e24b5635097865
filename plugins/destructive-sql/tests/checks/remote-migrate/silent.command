npx prisma migrate deploy

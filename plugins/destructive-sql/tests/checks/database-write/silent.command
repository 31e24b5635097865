npx prisma migrate status

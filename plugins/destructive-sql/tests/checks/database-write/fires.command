npx prisma migrate dev --name add_user_email

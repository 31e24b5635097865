CREATE TABLE "User" (id serial PRIMARY KEY);

-- Each type spelled otherwise than Prisma writes it, and the same type.
CREATE TABLE "Event" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    "day" DATE NOT NULL,
    "amount" NUMERIC(10, 2) NOT NULL,
    "code" CHARACTER(3) NOT NULL,
    "tags" CHARACTER VARYING(20)[],
    "count" INT2 NOT NULL,
    "raw" DECIMAL(65,30) NOT NULL,
    "created" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "note" VARCHAR NOT NULL,

    CONSTRAINT "Event_pkey" PRIMARY KEY ("id")
);

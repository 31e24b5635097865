psql -h "$DB_HOST" -c "INSERT INTO flags VALUES (1)"

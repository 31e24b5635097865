psql -h localhost -c "SELECT count(*) FROM users"

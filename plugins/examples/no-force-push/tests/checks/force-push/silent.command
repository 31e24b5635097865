git push --force-with-lease origin main

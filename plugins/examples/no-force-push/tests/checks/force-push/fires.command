git push -f origin main

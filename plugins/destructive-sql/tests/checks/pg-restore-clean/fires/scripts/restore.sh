#!/usr/bin/env bash
# Restores last night's dump over the staging database.
pg_restore --clean --if-exists -d "$STAGING_URL" backups/latest.dump

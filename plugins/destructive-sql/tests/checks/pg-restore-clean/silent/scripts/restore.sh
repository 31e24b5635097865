#!/usr/bin/env bash
createdb app_restore
pg_restore -d app_restore backups/latest.dump
pg_restore --list backups/latest.dump

#!/usr/bin/env bash
npx supabase start
npx supabase db reset

-- Issue 5: exports and imports run from the server's command line (`pnpm cb`) are audited as the
-- operator who ran them, by their login on the machine (they have no account).
ALTER TABLE "audit_log" ADD COLUMN "actor_name" text;

-- Issue 5, import speed: fewer checks and index entries per stored client.
-- The client's cascading foreign key implies the workspace of its phones and e-mails.
ALTER TABLE "client_emails" DROP CONSTRAINT "client_emails_workspace_id_workspaces_id_fk";--> statement-breakpoint
ALTER TABLE "client_phones" DROP CONSTRAINT "client_phones_workspace_id_workspaces_id_fk";--> statement-breakpoint
-- Duplicate keys: no per-row foreign-key check; a statement trigger deletes the keys of deleted clients.
ALTER TABLE "client_dup_keys" DROP CONSTRAINT "client_dup_keys_client_id_clients_id_fk";--> statement-breakpoint
CREATE FUNCTION dup_keys_of_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM client_dup_keys k USING deleted_clients d WHERE k.client_id = d.id;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER clients_dup_keys_delete AFTER DELETE ON clients
  REFERENCING OLD TABLE AS deleted_clients FOR EACH STATEMENT EXECUTE FUNCTION dup_keys_of_deleted();--> statement-breakpoint
DELETE FROM "client_dup_keys" k WHERE NOT EXISTS (SELECT 1 FROM "clients" c WHERE c.id = k.client_id);--> statement-breakpoint
-- The surname edit keys are no longer written or looked up (@cb/domain blocking).
DELETE FROM "client_dup_keys" WHERE "key" LIKE 'last-edit:%';--> statement-breakpoint
-- A small pending list: inserts are merged into the GIN tree in sorted batches.
ALTER INDEX "clients_name_tokens_idx" SET (fastupdate=true, gin_pending_list_limit=512);--> statement-breakpoint
-- Persons have no INN: only the rows that have one are indexed.
DROP INDEX "clients_inn_idx";--> statement-breakpoint
CREATE INDEX "clients_inn_idx" ON "clients" USING btree ("workspace_id","inn") WHERE "clients"."inn" is not null;
--> statement-breakpoint
-- Nothing looks clients up by the whole match key (search reads name_tokens, duplicates their keys).
DROP INDEX "clients_match_key_idx";

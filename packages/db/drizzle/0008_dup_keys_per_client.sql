-- Issue 5, import speed: the blocking keys as one row per client, hashed to bigint and found through
-- a GIN index, instead of a row per (workspace, key, client): a quarter of the space and of the
-- write time of an import. A key's hash is the first 8 bytes of its md5 as a signed int64, the same
-- as `keyHash` of @cb/db duplicates/keys.
ALTER TABLE "client_dup_keys" RENAME TO "client_dup_keys_0007";--> statement-breakpoint
CREATE TABLE "client_dup_keys" (
	"client_id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"keys" bigint[] NOT NULL
);
--> statement-breakpoint
-- Distinct and ascending, as `writeDuplicateKeys` stores them. Keys of clients gone (or of another
-- workspace than their client's) are not carried over.
INSERT INTO "client_dup_keys" ("client_id", "workspace_id", "keys")
SELECT k.client_id, k.workspace_id, array_agg(DISTINCT ('x' || left(md5(k.key), 16))::bit(64)::bigint)
FROM "client_dup_keys_0007" k
JOIN "clients" c ON c.id = k.client_id AND c.workspace_id = k.workspace_id
GROUP BY k.client_id, k.workspace_id;--> statement-breakpoint
DROP TABLE "client_dup_keys_0007";--> statement-breakpoint
-- Built after the backfill: one sorted build instead of an insert per entry.
CREATE INDEX "client_dup_keys_keys_idx" ON "client_dup_keys" USING gin ("keys") WITH (fastupdate=true,gin_pending_list_limit=4096);
-- The statement trigger of migration 0007 (`clients_dup_keys_delete`) keeps deleting the keys of
-- deleted clients as it is: its function names the table and its client_id column, both resolved
-- when it runs, and client_id is now the primary key it deletes by.

ALTER TABLE "client_dup_keys" DROP CONSTRAINT "client_dup_keys_workspace_id_workspaces_id_fk";

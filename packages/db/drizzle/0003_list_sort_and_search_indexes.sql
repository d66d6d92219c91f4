DROP INDEX "clients_name_tokens_idx";--> statement-breakpoint
CREATE INDEX "client_emails_prefix_idx" ON "client_emails" USING btree ("workspace_id","address" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "clients_workspace_score_idx" ON "clients" USING btree ("workspace_id",coalesce("temperature_score", -1),"id");--> statement-breakpoint
CREATE INDEX "clients_workspace_updated_idx" ON "clients" USING btree ("workspace_id","updated_at","id");--> statement-breakpoint
CREATE INDEX "clients_name_tokens_idx" ON "clients" USING gin ("name_tokens") WITH (fastupdate=false);
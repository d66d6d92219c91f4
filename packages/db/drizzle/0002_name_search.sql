CREATE TABLE "name_words" (
	"workspace_id" uuid NOT NULL,
	"word" text NOT NULL,
	CONSTRAINT "name_words_workspace_id_word_pk" PRIMARY KEY("workspace_id","word")
);
--> statement-breakpoint
DROP INDEX "clients_display_name_trgm_idx";--> statement-breakpoint
DROP INDEX "clients_match_key_trgm_idx";--> statement-breakpoint
ALTER TABLE "clients" ADD COLUMN "name_tokens" text[] GENERATED ALWAYS AS (string_to_array(match_key, ' ')) STORED;--> statement-breakpoint
ALTER TABLE "name_words" ADD CONSTRAINT "name_words_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "name_words_trgm_idx" ON "name_words" USING gin ("word" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "clients_name_tokens_idx" ON "clients" USING gin ("name_tokens");--> statement-breakpoint
-- The name lexicon follows the clients table: set-based for inserts (one statement per insert
-- statement, through a transition table, so a bulk insert of a million rows costs one pass), and
-- per row only when an update really changes a match key.
CREATE FUNCTION "name_words_from_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO name_words (workspace_id, word)
  SELECT DISTINCT workspace_id, unnest(string_to_array(match_key, ' ')) FROM inserted_clients
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "clients_name_words_insert" AFTER INSERT ON "clients"
  REFERENCING NEW TABLE AS inserted_clients FOR EACH STATEMENT EXECUTE FUNCTION "name_words_from_inserted"();--> statement-breakpoint
CREATE FUNCTION "name_words_from_updated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO name_words (workspace_id, word)
  SELECT NEW.workspace_id, w FROM unnest(string_to_array(NEW.match_key, ' ')) AS w
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "clients_name_words_update" AFTER UPDATE OF "match_key" ON "clients"
  FOR EACH ROW WHEN (OLD.match_key IS DISTINCT FROM NEW.match_key) EXECUTE FUNCTION "name_words_from_updated"();--> statement-breakpoint
INSERT INTO name_words (workspace_id, word)
  SELECT DISTINCT workspace_id, unnest(string_to_array(match_key, ' ')) FROM clients ON CONFLICT DO NOTHING;--> statement-breakpoint
-- Room on each page for HOT updates: recompute rewrites computed columns of every client, and a
-- HOT update touches no index.
ALTER TABLE "clients" SET (fillfactor = 85);

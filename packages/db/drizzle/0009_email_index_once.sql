-- Issue 5, import speed: e-mails are found by exact address through the pattern index
-- (`text_pattern_ops` has equality as well as the prefix operators), so the plain index on the
-- same columns only doubled the cost of each e-mail stored.
DROP INDEX "client_emails_address_idx";

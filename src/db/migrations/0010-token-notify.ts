/**
 * @module db/migrations/0010-token-notify
 * API servers drop cached token verifications as soon as a token is created, revoked, re-roled or
 * deleted, from any process: such a change sends NOTIFY on `shelfcast_tokens` at commit. Updates
 * of `last_used_at` alone (written while verifying) do not notify, or every verification would
 * empty every cache.
 */
import type { Migration } from '../migration.js';

export const TOKENS_CHANNEL = 'shelfcast_tokens';

export const migration: Migration = {
  version: 10,
  name: 'token-notify',
  sql: `
CREATE FUNCTION shelfcast_notify_tokens() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('${TOKENS_CHANNEL}', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER api_tokens_notify
  AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE OF role, revoked_at, token_sha256 ON api_tokens
  FOR EACH STATEMENT EXECUTE FUNCTION shelfcast_notify_tokens();
`,
};

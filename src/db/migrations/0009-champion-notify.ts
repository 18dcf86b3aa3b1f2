/**
 * @module db/migrations/0009-champion-notify
 * Serving processes follow champion changes as they commit instead of only by polling: any change
 * to the model aliases (promote, rollback, a version deleted with its aliases) sends NOTIFY on
 * `shelfcast_champions`. The notification is sent at commit, so a listener never sees a change that
 * was rolled back.
 */
import type { Migration } from '../migration.js';

export const CHAMPIONS_CHANNEL = 'shelfcast_champions';

export const migration: Migration = {
  version: 9,
  name: 'champion-notify',
  sql: `
CREATE FUNCTION shelfcast_notify_champions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('${CHAMPIONS_CHANNEL}', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER model_aliases_notify
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON model_aliases
  FOR EACH STATEMENT EXECUTE FUNCTION shelfcast_notify_champions();
`,
};

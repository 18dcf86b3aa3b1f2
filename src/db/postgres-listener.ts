/**
 * @module db/postgres-listener
 * LISTEN on a PostgreSQL channel over a connection of its own (a pooled connection cannot hold a
 * LISTEN: it is handed to other queries). A dropped connection is reopened every second until it
 * is back, then the listener is called once, since notifications sent meanwhile are lost.
 */
import pg from 'pg';
import { ident } from './database.js';

const RECONNECT_MS = 1000;

/**
 * @example
 * const stop = await listenPostgres(url, 'shelfcast_champions', () => cache.refresh());
 * await stop();
 */
export async function listenPostgres(
  url: string,
  channel: string,
  onNotify: () => void,
): Promise<() => Promise<void>> {
  let client: pg.Client | null = null;
  let stopped = false;
  let retry: NodeJS.Timeout | null = null;

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: url });
    c.on('notification', (message) => {
      if (message.channel === channel) onNotify();
    });
    // A broken connection also ends; 'end' is where it is replaced.
    c.on('error', () => {});
    c.on('end', () => {
      if (client !== c) return;
      client = null;
      if (!stopped) reconnectLater();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${ident(channel)}`);
    } catch (error) {
      await c.end().catch(() => {});
      throw error;
    }
    if (stopped) {
      await c.end().catch(() => {});
      return;
    }
    client = c;
  };

  const reconnectLater = () => {
    retry = setTimeout(() => {
      retry = null;
      connect().then(
        () => {
          if (!stopped) onNotify();
        },
        () => {
          if (!stopped) reconnectLater();
        },
      );
    }, RECONNECT_MS);
    retry.unref();
  };

  await connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    const c = client;
    client = null;
    await c?.end().catch(() => {});
  };
}

/**
 * @module db/migrations
 * Every schema migration in order. Add a new one as the next numbered file and list it here;
 * never edit one that has shipped.
 */
import type { Migration } from '../migration.js';
import { migration as m0001 } from './0001-catalog.js';
import { migration as m0002 } from './0002-sales.js';
import { migration as m0003 } from './0003-ingestion.js';
import { migration as m0004 } from './0004-tracking.js';
import { migration as m0005 } from './0005-registry.js';
import { migration as m0006 } from './0006-serving.js';
import { migration as m0007 } from './0007-auth.js';
import { migration as m0008 } from './0008-jobs.js';
import { migration as m0009 } from './0009-champion-notify.js';
import { migration as m0010 } from './0010-token-notify.js';

export const migrations: readonly Migration[] = [
  m0001,
  m0002,
  m0003,
  m0004,
  m0005,
  m0006,
  m0007,
  m0008,
  m0009,
  m0010,
];

/**
 * @module jobs/job-owner
 * Names for the processes that hold jobs (`in-process/<host>/<pid>/<instance>`,
 * `worker/<host>/<pid>/<instance>`), and the judgement whether an owner has stopped: on this host a
 * dead pid (or, in this very process, a closed queue) says so at once; elsewhere only a heartbeat
 * older than the stale limit does.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

export type OwnerKind = 'in-process' | 'worker';

export interface OwnerId {
  kind: OwnerKind;
  host: string;
  pid: number;
  instance: string;
}

/** A fresh owner id for a queue or worker of this process. */
export function newOwnerId(kind: OwnerKind): string {
  return `${kind}/${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
}

export function parseOwnerId(owner: string): OwnerId | null {
  const parts = owner.split('/');
  if (parts.length < 4) return null;
  const kind = parts[0];
  const instance = parts.at(-1)!;
  const pid = Number(parts.at(-2));
  if ((kind !== 'in-process' && kind !== 'worker') || !Number.isInteger(pid)) return null;
  return { kind, host: parts.slice(1, -2).join('/'), pid, instance };
}

/** Readable words for an owner id in messages: "process 123 on host db-1". */
export function describeOwner(owner: string | null): string {
  const id = owner ? parseOwnerId(owner) : null;
  return id ? `process ${id.pid} on ${id.host}` : 'an unknown process';
}

/**
 * Whether the owner of an open job has stopped.
 *
 * @param idleSeconds seconds since the owner's last heartbeat (null: never beat)
 * @param liveHere owner ids of the queues open in this process
 */
export function ownerHasStopped(
  owner: string | null,
  idleSeconds: number | null,
  staleSeconds: number,
  liveHere: ReadonlySet<string>,
): boolean {
  if (owner === null) return true;
  if (liveHere.has(owner)) return false;
  const id = parseOwnerId(owner);
  if (id && id.host === hostname()) {
    // A pid can come back as another process (a container's pid 1): the same pid as ours with an
    // instance we do not hold is a stopped predecessor.
    if (id.pid === process.pid) return true;
    if (!isAlive(id.pid)) return true;
  }
  return idleSeconds === null || idleSeconds > staleSeconds;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

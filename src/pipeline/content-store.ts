/**
 * @module pipeline/content-store
 * The content-addressed artifact store under `<home>/pipeline-cache`: artifacts (files or
 * folders) stored once by the hash of their content and never overwritten, step cache entries
 * keyed by (step, version, parameters, input hashes), and the lineage of every artifact (which
 * run and step made it from which inputs), with a walk back to all ancestors.
 */
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { PipelineRunError } from './pipeline-error.js';
import type { ArtifactType, JsonValue } from './step.js';

/** JSON with object keys sorted, so equal values always give equal text (and hashes). */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const keys = Object.keys(value as object).sort();
  return `{${keys
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
    .join(',')}}`;
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Content hash of a file or folder. A folder's hash covers the relative paths and contents of all
 * its files (sorted), so it does not depend on timestamps or listing order. The prefix keeps a file
 * and a folder with the same bytes apart.
 */
export function hashArtifact(path: string): { hash: string; type: ArtifactType } {
  const stat = statSync(path);
  if (stat.isFile()) return { hash: `f${sha256(readFileSync(path))}`, type: 'file' };
  if (stat.isDirectory()) {
    const h = createHash('sha256');
    for (const rel of listFiles(path)) h.update(`${rel}\0${sha256(readFileSync(join(path, rel)))}\n`);
    return { hash: `d${h.digest('hex')}`, type: 'dir' };
  }
  throw new Error(`${path} is neither a file nor a folder`);
}

function listFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  )) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listFiles(dir, rel));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

/** Who made an artifact: one record per distinct (run, step, output). */
export interface LineageRecord {
  readonly hash: string;
  readonly type: ArtifactType;
  /** `step` when a pipeline step wrote it; `external` when a run took it in as a parameter. */
  readonly source: 'step' | 'external';
  readonly runId: string;
  readonly pipeline: string;
  readonly step?: string;
  readonly output?: string;
  readonly stepVersion?: string;
  readonly cacheKey?: string;
  readonly params?: Record<string, JsonValue>;
  /** Input name → artifact hash. */
  readonly inputs?: Record<string, string>;
  /** For external artifacts: the path it was read from. */
  readonly originalPath?: string;
  readonly createdAt: string;
}

/** What a step run left in the cache: enough to answer the same call again without running it. */
export interface CacheEntry {
  readonly key: string;
  readonly step: string;
  readonly version: string;
  readonly params: Record<string, JsonValue>;
  readonly inputs: Record<string, string>;
  readonly outputParams: Record<string, JsonValue>;
  readonly outputArtifacts: Record<string, string>;
  readonly runId: string;
  readonly createdAt: string;
}

export interface AncestorNode {
  readonly hash: string;
  readonly depth: number;
  readonly producedBy: readonly LineageRecord[];
}

/** Writes JSON through a temporary file and a rename, so a reader (or a crash) never sees half a file. */
export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, path);
}

export class ContentStore {
  readonly root: string;
  readonly #artifacts: string;
  readonly #lineage: string;
  readonly #steps: string;
  readonly #explain: string;
  readonly tmp: string;

  constructor(home: string) {
    this.root = join(home, 'pipeline-cache');
    this.#artifacts = join(this.root, 'artifacts');
    this.#lineage = join(this.root, 'lineage');
    this.#steps = join(this.root, 'steps');
    this.#explain = join(this.root, 'last-run');
    this.tmp = join(this.root, 'tmp');
    for (const d of [this.#artifacts, this.#lineage, this.#steps, this.#explain, this.tmp])
      mkdirSync(d, { recursive: true });
  }

  artifactPath(hash: string): string {
    return join(this.#artifacts, hash);
  }

  hasArtifact(hash: string): boolean {
    return existsSync(this.artifactPath(hash));
  }

  /**
   * Moves (or with `copy`, copies) a file or folder into the store under its content hash and
   * returns the hash. When the store already holds that content, the existing copy is kept
   * untouched: stored artifacts are immutable.
   */
  put(path: string, options: { copy?: boolean } = {}): { hash: string; type: ArtifactType; path: string } {
    const { hash, type } = hashArtifact(path);
    const target = this.artifactPath(hash);
    if (!existsSync(target)) {
      const staging = join(this.tmp, `put-${process.pid}-${Math.random().toString(36).slice(2)}`);
      if (options.copy) cpSync(path, staging, { recursive: true });
      else renameSync(path, staging);
      if (type === 'file') chmodSync(staging, 0o444);
      try {
        renameSync(staging, target);
      } catch (error) {
        // Another writer stored the same content first; theirs is identical, keep it.
        if (!existsSync(target)) throw error;
        rmSync(staging, { recursive: true, force: true });
      }
    } else if (!options.copy) {
      rmSync(path, { recursive: true, force: true });
    }
    return { hash, type, path: target };
  }

  recordLineage(record: LineageRecord): void {
    const file = join(this.#lineage, `${record.hash}.json`);
    const existing = this.lineageOf(record.hash);
    const same = (r: LineageRecord) =>
      r.runId === record.runId &&
      r.step === record.step &&
      r.output === record.output &&
      r.source === record.source;
    if (existing.some(same)) return;
    writeJsonAtomic(file, [...existing, record]);
  }

  lineageOf(hash: string): LineageRecord[] {
    const file = join(this.#lineage, `${hash}.json`);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as LineageRecord[]) : [];
  }

  /**
   * Walks back from an artifact to every artifact it was made from, breadth first, each with the
   * records of the steps that made it. The first node is the artifact itself (depth 0).
   *
   * @example
   * const ancestors = store.ancestors(result.steps.train.outputs.artifacts.model!.hash);
   * // → model ← features ← sales snapshot
   */
  ancestors(hash: string): AncestorNode[] {
    if (!this.hasArtifact(hash) && this.lineageOf(hash).length === 0)
      throw new PipelineRunError(
        'ARTIFACT_NOT_FOUND',
        `no artifact ${hash} in ${this.#artifacts}; check the hash (run.json lists each step's output hashes)`,
      );
    const seen = new Set([hash]);
    const out: AncestorNode[] = [];
    let frontier = [hash];
    for (let depth = 0; frontier.length > 0; depth++) {
      const next: string[] = [];
      for (const h of frontier) {
        const producedBy = this.lineageOf(h);
        out.push({ hash: h, depth, producedBy });
        for (const r of producedBy)
          for (const input of Object.values(r.inputs ?? {}))
            if (!seen.has(input)) {
              seen.add(input);
              next.push(input);
            }
      }
      frontier = next;
    }
    return out;
  }

  #entryPath(step: string, key: string): string {
    return join(this.#steps, step, `${key}.json`);
  }

  readEntry(step: string, key: string): CacheEntry | undefined {
    const file = this.#entryPath(step, key);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CacheEntry) : undefined;
  }

  writeEntry(entry: CacheEntry): void {
    mkdirSync(join(this.#steps, entry.step), { recursive: true });
    writeJsonAtomic(this.#entryPath(entry.step, entry.key), entry);
  }

  /** The last executed call of a step in a pipeline, used to say why a step missed the cache. */
  readLast(pipeline: string, step: string): CacheEntry | undefined {
    const file = join(this.#explain, pipeline, `${step}.json`);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CacheEntry) : undefined;
  }

  writeLast(pipeline: string, entry: CacheEntry): void {
    mkdirSync(join(this.#explain, pipeline), { recursive: true });
    writeJsonAtomic(join(this.#explain, pipeline, `${entry.step}.json`), entry);
  }
}

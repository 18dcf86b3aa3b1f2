/**
 * Import direction, checked on the source: `cli` and `server` call the domain modules, never the
 * other way round; `models`, `evaluation` and `features` know nothing of the database.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const srcDir = resolve(dirname(fileURLToPath(import.meta.url)), '../src');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** Top-level module (folder under src/) that each relative import of a file lands in. */
function importedModules(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const modules: string[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const target = relative(srcDir, resolve(dirname(file), m[1]!));
    modules.push(target.split('/')[0]!);
  }
  return modules;
}

const FORBIDDEN: Record<string, string[]> = {
  models: ['db', 'cli', 'server', 'ingest', 'catalog', 'sales'],
  evaluation: ['db', 'cli', 'server', 'ingest', 'catalog', 'sales'],
  features: ['db', 'cli', 'server', 'ingest', 'catalog', 'sales'],
};
const ENTRY_POINTS = new Set(['cli', 'server', 'e2e']);

test('domain modules never import the CLI or the server; models, evaluation and features never import storage', () => {
  const violations: string[] = [];
  for (const file of sourceFiles(srcDir)) {
    const own = relative(srcDir, file).split('/')[0]!;
    if (ENTRY_POINTS.has(own)) continue;
    for (const target of importedModules(file)) {
      if (target === own) continue;
      if (target === 'cli' || target === 'server')
        violations.push(`${relative(srcDir, file)} imports ${target}`);
      if (FORBIDDEN[own]?.includes(target)) violations.push(`${relative(srcDir, file)} imports ${target}`);
    }
  }
  assert.deepEqual(violations, []);
});

test('the import check sees imports (guards against a regex that matches nothing)', () => {
  const mods = importedModules(join(srcDir, 'ingest', 'ingest-file.ts'));
  assert.ok(mods.includes('db') && mods.includes('io') && mods.includes('validation'), mods.join(','));
});

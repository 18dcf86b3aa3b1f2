import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type CsvRecord, readCsv } from './csv-reader.js';
import { InputFileError } from './io-error.js';

const dir = mkdtempSync(join(tmpdir(), 'shelfcast-csv-'));
let n = 0;
function file(content: string | Buffer): string {
  const path = join(dir, `f${n++}.csv`);
  writeFileSync(path, content);
  return path;
}
async function all(path: string, chunkBytes?: number): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const r of readCsv(path, chunkBytes ? { chunkBytes } : {})) out.push(r);
  return out;
}

test('reads comma CSV with header, LF', async () => {
  const rows = await all(file('a,b\n1,2\n3,4\n'));
  assert.deepEqual(rows, [
    { line: 1, fields: ['a', 'b'] },
    { line: 2, fields: ['1', '2'] },
    { line: 3, fields: ['3', '4'] },
  ]);
});

test('strips a BOM, handles CRLF and a last line without newline', async () => {
  const rows = await all(file('\uFEFFa;b\r\n1,5;2\r\n3;4'));
  assert.deepEqual(
    rows.map((r) => r.fields),
    [
      ['a', 'b'],
      ['1,5', '2'],
      ['3', '4'],
    ],
  );
});

test('detects semicolon and tab delimiters from the header', async () => {
  assert.deepEqual((await all(file('x;y;z\n1;2;3\n')))[1]?.fields, ['1', '2', '3']);
  assert.deepEqual((await all(file('x\ty\n1\t2\n')))[1]?.fields, ['1', '2']);
});

test('quoted fields with delimiters, escaped quotes and embedded newlines keep line numbers right', async () => {
  const rows = await all(file('name,note\n"Bamboo, brush","say ""hi""\nthere"\nlast,x\n'));
  assert.deepEqual(rows[1], { line: 2, fields: ['Bamboo, brush', 'say "hi"\nthere'] });
  assert.deepEqual(rows[2], { line: 4, fields: ['last', 'x'] });
});

test('records split across chunk boundaries are joined, with tiny chunks', async () => {
  const text = 'a,b\n"q,1","multi\nline"\nplain,2\r\n"x""y",3\n';
  const expected = await all(file(text));
  const chunked = await all(file(text), 3);
  assert.deepEqual(chunked, expected);
  assert.equal(expected.length, 4);
  assert.deepEqual(expected[3]?.fields, ['x"y', '3']);
});

test('an unterminated quote is an error naming the line', async () => {
  await assert.rejects(all(file('a,b\n1,2\n"open,3\n4,5\n')), (e: unknown) => {
    assert.ok(e instanceof InputFileError);
    assert.equal(e.code, 'CSV_UNTERMINATED_QUOTE');
    assert.equal(e.line, 3);
    return true;
  });
});

test('a line longer than the limit is refused without reading it whole', async () => {
  const path = file(`a,b\n${'x'.repeat(5000)}\n`);
  const rows: CsvRecord[] = [];
  await assert.rejects(
    (async () => {
      for await (const r of readCsv(path, { maxRecordBytes: 1000, chunkBytes: 256 })) rows.push(r);
    })(),
    (e: unknown) => e instanceof InputFileError && e.code === 'CSV_LINE_TOO_LONG' && e.line === 2,
  );
});

test('binary content is refused as not text', async () => {
  await assert.rejects(all(file(Buffer.from([0x50, 0x41, 0x52, 0x31, 0, 0, 1, 2]))), (e: unknown) => {
    return e instanceof InputFileError && e.code === 'FILE_NOT_TEXT';
  });
  await assert.rejects(all(file(Buffer.from([0x61, 0x2c, 0xff, 0xfe, 0x0a]))), /not UTF-8/);
});

test('an empty file yields no records; blank lines are skipped', async () => {
  assert.deepEqual(await all(file('')), []);
  const rows = await all(file('a\n\n1\n\n'));
  assert.deepEqual(
    rows.map((r) => [r.line, r.fields[0]]),
    [
      [1, 'a'],
      [3, '1'],
    ],
  );
});

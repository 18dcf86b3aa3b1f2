/**
 * @module server/docs-page
 * The API reference at `/docs`: one self-contained HTML page (inline CSS, no scripts, nothing loaded
 * from elsewhere) rendered from the OpenAPI document, so it works offline and always matches it.
 */
import type { JsonSchema, OpenApiDocument, OpenApiOperation } from './openapi.js';

/** Renders the whole page. */
export function renderDocsPage(doc: OpenApiDocument): string {
  const byTag = new Map<string, { method: string; path: string; op: OpenApiOperation }[]>();
  for (const [path, methods] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags[0] ?? 'other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)!.push({ method, path, op });
    }
  const nav: string[] = [];
  const sections: string[] = [];
  for (const tag of doc.tags) {
    const ops = byTag.get(tag.name) ?? [];
    if (ops.length === 0) continue;
    nav.push(
      `<li><a href="#tag-${esc(tag.name)}">${esc(tag.name)}</a><ul>${ops
        .map(
          ({ method, path, op }) =>
            `<li><a href="#${esc(op.operationId)}"><span class="m m-${esc(method)}">${esc(method.toUpperCase())}</span> ${esc(path)}</a></li>`,
        )
        .join('')}</ul></li>`,
    );
    sections.push(
      `<section id="tag-${esc(tag.name)}"><h2>${esc(tag.name)}</h2><p>${inline(tag.description)}</p>${ops
        .map(({ method, path, op }) => renderOperation(method, path, op))
        .join('\n')}</section>`,
    );
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(doc.info.title)} ${esc(doc.info.version)} — reference</title>
<style>${CSS}</style></head>
<body><nav><h1>${esc(doc.info.title)} <small>${esc(doc.info.version)}</small></h1>
<p><a href="/openapi.json">openapi.json</a></p><ul>${nav.join('')}</ul></nav>
<main><p class="intro">${inline(doc.info.description)}</p>${sections.join('\n')}</main></body></html>
`;
}

function renderOperation(method: string, path: string, op: OpenApiOperation): string {
  const role = op['x-required-role'] ? `role: ${op['x-required-role']}` : 'no token needed';
  const parts = [
    `<article id="${esc(op.operationId)}"><h3><span class="m m-${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h3>`,
    `<p>${inline(op.summary)} <span class="badge">${esc(role)}</span>${op['x-audit-action'] ? ` <span class="badge">audited: ${esc(op['x-audit-action'])}</span>` : ''}</p>`,
  ];
  if (op.description) parts.push(`<p>${inline(op.description)}</p>`);
  if (op.parameters && op.parameters.length > 0) {
    parts.push(
      `<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>type</th><th>notes</th></tr>${op.parameters
        .map(
          (p) =>
            `<tr><td><code>${esc(p.name)}</code>${p.required ? ' <b>*</b>' : ''}</td><td>${p.in}</td><td>${esc(typeName(p.schema))}</td><td>${notes(p.schema, p.description)}</td></tr>`,
        )
        .join('')}</table>`,
    );
  }
  if (op.requestBody) {
    for (const [type, { schema }] of Object.entries(op.requestBody.content))
      parts.push(`<h4>Body <code>${esc(type)}</code></h4>${renderSchema(schema)}`);
  }
  parts.push('<h4>Responses</h4><dl>');
  for (const [status, response] of Object.entries(op.responses)) {
    parts.push(`<dt>${esc(status)}</dt><dd>${inline(response.description)}`);
    for (const [type, { schema }] of Object.entries(response.content ?? {})) {
      if (schema.$ref) continue;
      parts.push(`<div class="ct"><code>${esc(type)}</code></div>${renderSchema(schema)}`);
    }
    parts.push('</dd>');
  }
  parts.push('</dl></article>');
  return parts.join('\n');
}

/** A schema as a nested field table (objects, arrays of objects) or one line for scalars. */
function renderSchema(schema: JsonSchema, depth = 0): string {
  const object = objectOf(schema);
  if (!object || depth > 6) return `<p class="type">${esc(typeName(schema))} ${notes(schema)}</p>`;
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  const rows = Object.entries(properties).map(([name, prop]) => {
    const nested = objectOf(prop) ? renderSchema(prop, depth + 1) : '';
    return `<tr><td><code>${esc(name)}</code>${required.has(name) ? ' <b>*</b>' : ''}</td><td>${esc(typeName(prop))}</td><td>${notes(prop)}${nested}</td></tr>`;
  });
  const extra =
    object.additionalProperties && typeof object.additionalProperties === 'object'
      ? `<p class="type">any key → ${esc(typeName(object.additionalProperties as JsonSchema))}</p>`
      : '';
  return rows.length > 0
    ? `<table class="schema"><tr><th>field</th><th>type</th><th>notes</th></tr>${rows.join('')}</table>${extra}`
    : extra || `<p class="type">${esc(typeName(schema))}</p>`;
}

/** The object schema a field holds, directly or as the items of an array (or a nullable one). */
function objectOf(schema: JsonSchema): JsonSchema | undefined {
  if (schema.type === 'object' && schema.properties) return schema;
  if (schema.type === 'array' && schema.items && typeof schema.items === 'object')
    return objectOf(schema.items as JsonSchema);
  const variants = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  const nonNull = variants?.filter((v) => v.type !== 'null');
  if (nonNull && nonNull.length === 1) return objectOf(nonNull[0]!);
  return undefined;
}

function typeName(schema: JsonSchema): string {
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  const variants = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (variants) return variants.map(typeName).join(' | ');
  if (schema.type === 'array') return `${typeName((schema.items ?? {}) as JsonSchema)}[]`;
  if (schema.type === 'object' && !schema.properties && schema.additionalProperties)
    return `map of ${typeName(schema.additionalProperties as JsonSchema)}`;
  if (typeof schema.type === 'string')
    return schema.format ? `${schema.type} (${schema.format})` : schema.type;
  if (Array.isArray(schema.type)) return schema.type.join(' | ');
  return 'any';
}

function notes(schema: JsonSchema, description?: string): string {
  const out: string[] = [];
  const d = description ?? schema.description;
  if (typeof d === 'string') out.push(inline(d));
  const bounds: [string, string][] = [
    ['minimum', '≥'],
    ['exclusiveMinimum', '>'],
    ['maximum', '≤'],
    ['exclusiveMaximum', '<'],
    ['minLength', 'length ≥'],
    ['maxLength', 'length ≤'],
    ['minItems', 'items ≥'],
    ['maxItems', 'items ≤'],
  ];
  for (const [key, label] of bounds)
    if (typeof schema[key] === 'number' && Math.abs(schema[key] as number) < Number.MAX_SAFE_INTEGER)
      out.push(`${label} ${schema[key]}`);
  if (schema.default !== undefined) out.push(`default ${esc(JSON.stringify(schema.default))}`);
  return out.join('; ');
}

/** Escapes text and turns `code` spans into <code>. */
function inline(text: string): string {
  return esc(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const CSS = `
body{margin:0;font:15px/1.5 system-ui,sans-serif;color:#1d2327;display:flex}
nav{width:320px;height:100vh;overflow:auto;position:sticky;top:0;background:#f4f6f8;padding:12px 16px;box-sizing:border-box;font-size:13px}
nav ul{list-style:none;padding-left:8px;margin:4px 0}nav a{color:#1d2327;text-decoration:none}nav a:hover{text-decoration:underline}
main{flex:1;padding:16px 32px;max-width:1100px}h1{font-size:20px}h2{border-bottom:2px solid #ccd;padding-bottom:4px;margin-top:40px}
article{border:1px solid #dde;border-radius:6px;padding:8px 16px;margin:16px 0}h3{font-size:16px;margin:8px 0}h4{margin:12px 0 4px;font-size:14px}
table{border-collapse:collapse;font-size:13px;margin:4px 0}td,th{border:1px solid #dde;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f4f6f8}code{font:13px ui-monospace,monospace;background:#f4f6f8;padding:0 3px;border-radius:3px}
.m{display:inline-block;min-width:52px;text-align:center;font:bold 12px ui-monospace,monospace;border-radius:3px;color:#fff;padding:1px 4px}
.m-get{background:#2e7d32}.m-post{background:#1565c0}.m-patch{background:#8e24aa}.m-put{background:#6a1b9a}.m-delete{background:#c62828}
.badge{font-size:12px;background:#eef;border-radius:3px;padding:1px 6px;margin-left:4px}.type{margin:2px 0;font-size:13px}
dt{font-weight:bold;margin-top:6px}dd{margin-left:16px}.ct{margin-top:4px}.intro{color:#444}
`;

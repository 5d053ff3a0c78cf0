import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app.js';
import { startServer, type RunningServer } from '../../src/api/server.js';
import type { Store } from '../../src/store/index.js';
import { temporaryStore } from '../helpers/store.js';

let store: Store;
let dispose: () => Promise<void>;
let server: RunningServer;
type Doc = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown> };
};
type Operation = {
  operationId: string;
  parameters?: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[];
  responses: Record<
    string,
    { description: string; content?: Record<string, { schema: Record<string, unknown> }> }
  >;
};
let doc: Doc;

beforeAll(async () => {
  ({ store, dispose } = await temporaryStore());
  server = await startServer(store, { host: '127.0.0.1', port: 0 });
  const response = await fetch(`${server.url}/api/v1/openapi.json`);
  expect(response.status).toBe(200);
  doc = (await response.json()) as Doc;
});
afterAll(async () => {
  await server?.close();
  await dispose?.();
});

describe('OpenAPI 3.1 document', () => {
  it('lists every GET route the app serves under /api/v1, and nothing else', () => {
    const app = createApp(store);
    const served = new Set(
      app.routes
        .filter((r) => r.method === 'GET' && r.path.startsWith('/api/v1'))
        .map((r) => r.path.replace(/:(\w+)/g, '{$1}')),
    );
    expect(served.size).toBeGreaterThan(15);
    expect(new Set(Object.keys(doc.paths))).toEqual(served);
  });

  it('has the shape of an OpenAPI 3.1 document', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toBeTruthy();
    expect(doc.info.version).toBe('1.0.0');
    const operationIds = new Set<string>();
    for (const [path, item] of Object.entries(doc.paths)) {
      expect(path).toMatch(/^\/api\/v1\/[a-z0-9./{}A-Z]*$/);
      // Lowercase paths except parameter names (NL API design rules).
      expect(path.replace(/\{\w+\}/g, '')).toBe(path.replace(/\{\w+\}/g, '').toLowerCase());
      for (const [method, op] of Object.entries(item)) {
        // Data are read-only (GET); notes, stories and sign-in also change state (docs/access.md).
        expect(['get', 'post', 'patch', 'delete']).toContain(method);
        if (method !== 'get' && !path.endsWith('/session'))
          expect((op as { security?: unknown }).security, `${method} ${path}`).toBeDefined();
        expect(operationIds.has(op.operationId)).toBe(false);
        operationIds.add(op.operationId);
        expect(op.responses['200'] ?? op.responses['201'] ?? op.responses['204']).toBeDefined();
        const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        const inPath = (op.parameters ?? []).filter((p) => p.in === 'path');
        expect(inPath.map((p) => p.name)).toEqual(templated);
        expect(inPath.every((p) => p.required)).toBe(true);
        for (const p of op.parameters ?? []) {
          expect(['path', 'query']).toContain(p.in);
          expect(typeof p.schema).toBe('object');
          expect(p.schema).not.toHaveProperty('$schema');
        }
        for (const [status, response] of Object.entries(op.responses)) {
          expect(status).toMatch(/^[1-5]\d\d$/);
          expect(response.description).toBeTruthy();
          if (Number(status) >= 400)
            expect(Object.keys(response.content ?? {})).toEqual(['application/problem+json']);
        }
      }
    }
    // Every $ref points at a component that exists.
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map(
      (m) => m[1]!,
    );
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) expect(doc.components.schemas).toHaveProperty(ref);
  });

  it('documents the validation rules the server enforces', () => {
    const values = doc.paths['/api/v1/values']!['get']!;
    const pageSize = values.parameters!.find((p) => p.name === 'pageSize')!;
    expect(pageSize.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 10000 });
    const level = values.parameters!.find((p) => p.name === 'level')!;
    expect(level.schema['enum']).toContain('buurt');
  });
});

import { z } from 'zod';
import type { AnyRoute } from './route.js';
import { COMPONENTS } from './schemas.js';

/** Where the REST API lives; every path in the document starts with it. */
export const BASE_PATH = '/api/v1';
export const API_VERSION = '1.0.0';

type JsonSchema = Record<string, unknown>;

/** A zod schema as a JSON Schema (2020-12, which OpenAPI 3.1 uses), without the $schema line. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid parameters (problem details name each one).',
  401: 'Sign-in required, or the API token is invalid or expired.',
  403: 'Forbidden: the role is too weak, the CSRF token is missing, or the request came from another site.',
  404: 'Not found (also for what the caller may not see).',
  405: 'Method not allowed.',
  415: 'The body must be application/json.',
  502: 'The identity provider could not be reached or its answer did not verify.',
  429: 'Too many exports at once; retry after the Retry-After seconds.',
  503: 'The query took longer than the time limit.',
};

/**
 * The OpenAPI 3.1 document of /api/v1, generated from the same route descriptions and zod schemas
 * that route and validate requests, so the document cannot drift from the server.
 */
export function openApiDocument(routes: readonly AnyRoute[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of routes) {
    const parameters: Record<string, unknown>[] = [];
    for (const [where, schema] of [
      ['path', spec.params],
      ['query', spec.query],
    ] as const) {
      if (!schema) continue;
      const object = jsonSchema(schema, 'input') as {
        properties?: Record<string, JsonSchema>;
        required?: string[];
      };
      for (const [name, property] of Object.entries(object.properties ?? {})) {
        const { description, ...rest } = property;
        parameters.push({
          name,
          in: where,
          required: where === 'path' || (object.required ?? []).includes(name),
          ...(description ? { description } : {}),
          schema: rest,
        });
      }
    }
    const responses: Record<string, unknown> = {
      '200': {
        description: spec.ok.description,
        headers:
          spec.cache === 'data'
            ? {
                ETag: {
                  description: 'Changes when the data behind the answer change.',
                  schema: { type: 'string' },
                },
                'Cache-Control': { schema: { type: 'string' } },
              }
            : {},
        content: Object.fromEntries(
          Object.entries(spec.ok.content).map(([type, schema]) => [
            type,
            {
              schema:
                schema === null
                  ? {
                      type: 'string',
                      contentMediaType: type,
                      ...(type.startsWith('text/') ? {} : { contentEncoding: 'binary' }),
                    }
                  : typeof schema === 'string'
                    ? { $ref: `#/components/schemas/${schema}` }
                    : jsonSchema(schema, 'output'),
            },
          ]),
        ),
      },
    };
    if (spec.cache === 'data')
      responses['304'] = { description: 'Not modified (If-None-Match matched the ETag).' };
    for (const status of [...(spec.query ? [400] : []), ...(spec.errors ?? []), 503]) {
      responses[String(status)] = {
        description: STATUS_TEXT[status] ?? 'Error.',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      };
    }
    if (spec.okStatus && spec.okStatus !== 200) {
      responses[String(spec.okStatus)] = responses['200'];
      delete responses['200'];
    }
    const method = (spec.method ?? 'GET').toLowerCase();
    paths[`${BASE_PATH}${spec.path}`] ??= {};
    paths[`${BASE_PATH}${spec.path}`]![method] = {
      operationId: spec.operationId,
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      tags: [spec.tag],
      ...(parameters.length ? { parameters } : {}),
      ...(spec.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } },
            },
          }
        : {}),
      ...(spec.auth ? { security: [{ session: [] }, { token: [] }] } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'udc — open Urban Data Center REST API',
      version: API_VERSION,
      description:
        'Published regional statistics: datasets, regions, indicators and their values, exports; notes and stories. ' +
        'Anonymous callers see open data; signed-in analysts and data stewards also internal or confidential data (docs/access.md). ' +
        'Data: Bron: CBS (CC BY 4.0). Errors are RFC 9457 problem details. Follows the NL API Design Rules.',
      license: { name: 'EUPL-1.2', identifier: 'EUPL-1.2' },
      contact: { name: 'udc', url: 'https://github.com/' },
    },
    servers: [{ url: '/' }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: Object.fromEntries(
        Object.entries(COMPONENTS).map(([name, schema]) => [name, jsonSchema(schema, 'output')]),
      ),
      securitySchemes: {
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'udc_session',
          description: 'Browser session (POST /session); state-changing requests also send X-CSRF-Token.',
        },
        token: {
          type: 'http',
          scheme: 'bearer',
          description: 'API token (udc users token, or POST /tokens).',
        },
      },
    },
  };
}

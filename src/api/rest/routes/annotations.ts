import { z } from 'zod';
import {
  AnnotationError,
  createAnnotation,
  createStory,
  deleteAnnotation,
  deleteStory,
  getAnnotation,
  getStory,
  listAnnotations,
  listStories,
  updateAnnotation,
  updateStory,
} from '../../../annotations/index.js';
import type { Store } from '../../../store/index.js';
import { accessOf } from '../../auth/context.js';
import { identifier, periodCode, regionCode } from '../params.js';
import { ProblemError, notFound } from '../problem.js';
import { route, type AnyRoute } from '../route.js';

const status = z.enum(['draft', 'published'], { error: 'expected draft or published' });
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, {
  error: 'expected an id such as 3f2c…-…',
});

const annotationShape: z.ZodType = z.lazy(() =>
  z.object({
    id: z.string(),
    parent: z.string().nullable(),
    indicator: z.string().nullable(),
    region: z.string().nullable(),
    period: z.string().nullable(),
    status,
    body: z.string().describe('Markdown as written'),
    html: z.string().describe('The body as safe HTML (strict Markdown subset, everything escaped)'),
    author: z.string(),
    created: z.string(),
    updated: z.string(),
    dataVersion: z
      .object({
        built: z.string(),
        definitionHash: z.string(),
        definition: z.string(),
        datasets: z.array(z.object({ dataset: z.string(), version: z.number() })),
      })
      .nullable(),
    revised: z.boolean().describe('The data behind the note were revised since it was written'),
    revision: z
      .object({
        definitionChanged: z.boolean(),
        built: z.object({ was: z.string(), now: z.string() }),
        datasets: z.array(
          z.object({ dataset: z.string(), was: z.number().nullable(), now: z.number().nullable() }),
        ),
      })
      .nullable(),
    replies: z.array(annotationShape),
  }),
);

const storySummary = z.object({
  id: z.string(),
  title: z.string(),
  status,
  author: z.string(),
  created: z.string(),
  updated: z.string(),
});
const storyShape = storySummary.extend({
  body: z.string(),
  html: z.string(),
  figures: z.array(z.record(z.string(), z.unknown())),
});

/** A refusal of the annotations room as the API answers it (not-found: the same as a missing id). */
function asProblem(error: unknown): never {
  if (error instanceof AnnotationError) {
    if (error.kind === 'not-found') throw notFound('Resource', error.message);
    if (error.kind === 'forbidden') throw new ProblemError(403, 'Forbidden', error.message);
    throw new ProblemError(400, 'Invalid body', error.message);
  }
  throw error;
}

/** Annotations (notes next to the figures, in threads) and stories (Markdown with live figures). */
export function annotationRoutes(store: Store): AnyRoute[] {
  return [
    route({
      path: '/annotations',
      operationId: 'listAnnotations',
      summary: 'Notes about an indicator, region and/or period, in threads with their replies',
      description:
        'Given filters must match exactly; `broader=true` also returns notes about no indicator (region, period) for each filter given, ' +
        'e.g. on an indicator page for a gemeente, the notes about that gemeente in general. Drafts only for analysts and up. ' +
        '`revised` says the data were revised since the note was written.',
      tag: 'annotations',
      query: z.object({
        indicator: identifier('an indicator id').optional(),
        region: regionCode.optional(),
        period: periodCode.optional(),
        status: status.optional(),
        author: z.string().max(64).optional(),
        broader: z.enum(['true', 'false'], { error: 'expected true or false' }).optional(),
      }),
      ok: {
        description: 'The threads, newest first.',
        content: { 'application/json': z.object({ data: z.array(annotationShape) }) },
      },
      cache: 'none',
      handle: async ({ c, query }) => {
        const { broader, ...filter } = query;
        return c.json({
          data: await listAnnotations(store, accessOf(c), { ...filter, broader: broader === 'true' }),
        });
      },
    }),
    route({
      method: 'POST',
      path: '/annotations',
      operationId: 'createAnnotation',
      summary: 'Write a note (or, with parent, a reply); analysts and up',
      tag: 'annotations',
      auth: 'analyst',
      body: z.object({
        indicator: z.string().max(100).optional(),
        region: z.string().max(43).optional(),
        period: z.string().max(20).optional(),
        parent: uuid.optional(),
        body: z.string().max(20_000),
        status: status.optional(),
      }),
      okStatus: 201,
      ok: { description: 'The note as stored.', content: { 'application/json': annotationShape } },
      errors: [401, 403, 415],
      cache: 'none',
      handle: async ({ c, body }) =>
        c.json(await createAnnotation(store, accessOf(c), body).catch(asProblem), 201),
    }),
    route({
      path: '/annotations/{id}',
      operationId: 'getAnnotation',
      summary: 'One note with its replies',
      tag: 'annotations',
      params: z.object({ id: uuid }),
      ok: { description: 'The note.', content: { 'application/json': annotationShape } },
      errors: [404],
      cache: 'none',
      handle: async ({ c, params }) => {
        const note = await getAnnotation(store, accessOf(c), params.id);
        if (!note) throw notFound('Resource', `There is no note "${params.id}".`);
        return c.json(note);
      },
    }),
    route({
      method: 'PATCH',
      path: '/annotations/{id}',
      operationId: 'updateAnnotation',
      summary: 'Change a note’s text or status (its author, or a data steward)',
      description: 'A new text ties the note to the data version of now.',
      tag: 'annotations',
      auth: 'analyst',
      params: z.object({ id: uuid }),
      body: z.object({ body: z.string().max(20_000).optional(), status: status.optional() }),
      ok: { description: 'The note as stored.', content: { 'application/json': annotationShape } },
      errors: [401, 403, 404, 415],
      cache: 'none',
      handle: async ({ c, params, body }) =>
        c.json(await updateAnnotation(store, accessOf(c), params.id, body).catch(asProblem)),
    }),
    route({
      method: 'DELETE',
      path: '/annotations/{id}',
      operationId: 'deleteAnnotation',
      summary: 'Delete a note and its replies (its author, or a data steward); the audit log keeps the text',
      tag: 'annotations',
      auth: 'analyst',
      params: z.object({ id: uuid }),
      okStatus: 204,
      ok: { description: 'Deleted (204).', content: {} },
      errors: [401, 403, 404],
      cache: 'none',
      handle: async ({ c, params }) => {
        await deleteAnnotation(store, accessOf(c), params.id).catch(asProblem);
        return c.body(null, 204);
      },
    }),
    route({
      path: '/stories',
      operationId: 'listStories',
      summary: 'Stories (published; drafts too for analysts and up)',
      tag: 'stories',
      ok: {
        description: 'The stories, most recently changed first.',
        content: { 'application/json': z.object({ data: z.array(storySummary) }) },
      },
      cache: 'none',
      handle: async ({ c }) => c.json({ data: await listStories(store, accessOf(c)) }),
    }),
    route({
      method: 'POST',
      path: '/stories',
      operationId: 'createStory',
      summary: 'Write a story: Markdown with {{chart}}, {{map}} and {{table}} figures; analysts and up',
      tag: 'stories',
      auth: 'analyst',
      body: z.object({
        title: z.string().max(200),
        body: z.string().max(100_000),
        status: status.optional(),
      }),
      okStatus: 201,
      ok: { description: 'The story as stored and rendered.', content: { 'application/json': storyShape } },
      errors: [401, 403, 415],
      cache: 'none',
      handle: async ({ c, body }) =>
        c.json(await createStory(store, accessOf(c), body).catch(asProblem), 201),
    }),
    route({
      path: '/stories/{id}',
      operationId: 'getStory',
      summary: 'One story: Markdown, safe HTML, and each figure with its source and definition',
      tag: 'stories',
      params: z.object({ id: uuid }),
      ok: { description: 'The story.', content: { 'application/json': storyShape } },
      errors: [404],
      cache: 'none',
      handle: async ({ c, params }) => {
        const story = await getStory(store, accessOf(c), params.id);
        if (!story) throw notFound('Resource', `There is no story "${params.id}".`);
        return c.json(story);
      },
    }),
    route({
      method: 'PATCH',
      path: '/stories/{id}',
      operationId: 'updateStory',
      summary: 'Change a story (its author, or a data steward)',
      tag: 'stories',
      auth: 'analyst',
      params: z.object({ id: uuid }),
      body: z.object({
        title: z.string().max(200).optional(),
        body: z.string().max(100_000).optional(),
        status: status.optional(),
      }),
      ok: { description: 'The story as stored and rendered.', content: { 'application/json': storyShape } },
      errors: [401, 403, 404, 415],
      cache: 'none',
      handle: async ({ c, params, body }) =>
        c.json(await updateStory(store, accessOf(c), params.id, body).catch(asProblem)),
    }),
    route({
      method: 'DELETE',
      path: '/stories/{id}',
      operationId: 'deleteStory',
      summary: 'Delete a story (its author, or a data steward); the audit log keeps the text',
      tag: 'stories',
      auth: 'analyst',
      params: z.object({ id: uuid }),
      okStatus: 204,
      ok: { description: 'Deleted (204).', content: {} },
      errors: [401, 403, 404],
      cache: 'none',
      handle: async ({ c, params }) => {
        await deleteStory(store, accessOf(c), params.id).catch(asProblem);
        return c.body(null, 204);
      },
    }),
  ];
}

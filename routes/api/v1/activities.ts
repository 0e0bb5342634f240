import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { forwardToSweatStack } from '../../../src/forward.ts'
import { ActivityDetails, ActivityListQuery, ActivityParams, ActivitySummary, LatestActivityQuery } from '../../../src/schemas/activity.ts'
import { problemResponses, upstreamProblems } from '../../../src/schemas/problem.ts'

const security = [{ session: [], csrf: [] }]

/** /api/v1/activities/...: SweatStack's activity endpoints, same paths and parameters. */
const activities: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get('/activities/', {
    schema: {
      tags: ['activities'],
      operationId: 'listActivities',
      summary: 'List activities, newest first',
      description: 'The signed-in user\'s activities (or the selected athlete\'s, in coach mode), newest first. Page with `limit` and `offset`; ' +
        'there is no total count, and a page shorter than `limit` is the last.',
      security,
      querystring: ActivityListQuery,
      response: { 200: Type.Array(ActivitySummary, { description: 'Activities, newest first.' }), ...problemResponses(...upstreamProblems) },
    },
  }, async (request, reply) => forwardToSweatStack(request, reply, { method: 'GET', path: '/api/v1/activities/', query: request.query }))

  fastify.get('/activities/latest', {
    schema: {
      tags: ['activities'],
      operationId: 'getLatestActivity',
      summary: 'The latest activity, or null',
      description: 'The newest activity, optionally of one sport. The body is JSON `null` when there is none.',
      security,
      querystring: LatestActivityQuery,
      response: { 200: Type.Union([ActivityDetails, Type.Null()], { description: 'The newest activity, or `null`.' }), ...problemResponses(...upstreamProblems) },
    },
  }, async (request, reply) => forwardToSweatStack(request, reply, { method: 'GET', path: '/api/v1/activities/latest', query: request.query }))

  fastify.get('/activities/:activity_id', {
    schema: {
      tags: ['activities'],
      operationId: 'getActivity',
      summary: 'One activity',
      security,
      params: ActivityParams,
      response: { 200: ActivityDetails, ...problemResponses(...upstreamProblems, 404) },
    },
  }, async (request, reply) => forwardToSweatStack(request, reply, {
    method: 'GET',
    path: `/api/v1/activities/${encodeURIComponent(request.params.activity_id)}`,
  }))
}

export default activities

import type { FastifyPluginAsync } from 'fastify'
import { proxyRoute } from '../../../src/contract-route.ts'
import * as op from '../../../src/schemas/sweatstack.generated.ts'

/** /api/v1/workouts/schedule: put a structured workout on the user's calendar (beta; running only). */
const workouts: FastifyPluginAsync = async (fastify) => {
  proxyRoute(fastify, op.scheduleWorkout, { tags: ['workouts'], summary: 'Schedule a workout (beta)' })
}

export default workouts

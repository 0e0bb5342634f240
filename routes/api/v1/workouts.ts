import type { FastifyPluginAsync } from 'fastify'
import * as op from '../../../src/schemas/sweatstack.generated.ts'

/** /api/v1/workouts/schedule: put a structured workout on the user's calendar (beta; running only). */
const workouts: FastifyPluginAsync = async (fastify) => {
  fastify.proxyRoute(op.scheduleWorkout, { tags: ['workouts'], summary: 'Schedule a workout (beta)' })
}

export default workouts

import type { FastifyPluginAsync } from 'fastify'
import * as op from '../../../src/schemas/sweatstack.generated.ts'

const tags = ['dailies']

/** /api/v1/dailies/{measure}: one value per day (body mass, resting heart rate, HRV, sleep...). */
const dailies: FastifyPluginAsync = async (fastify) => {
  fastify.proxyRoute(op.listDailies, { tags, summary: 'Daily values between two dates, one row per date' })
  fastify.proxyRoute(op.upsertDaily, { tags, summary: 'Set the value of a day' })
  fastify.proxyRoute(op.deleteDaily, { tags, summary: 'Remove the value of a day', errors: [404] })
}

export default dailies

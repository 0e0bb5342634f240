import type { FastifyPluginAsync } from 'fastify'
import { proxyRoute } from '../../../src/contract-route.ts'
import * as op from '../../../src/schemas/sweatstack.generated.ts'

const tags = ['dailies']

/** /api/v1/dailies/{measure}: one value per day (body mass, resting heart rate, HRV, sleep...). */
const dailies: FastifyPluginAsync = async (fastify) => {
  proxyRoute(fastify, op.listDailies, { tags, summary: 'Daily values between two dates, one row per date' })
  proxyRoute(fastify, op.upsertDaily, { tags, summary: 'Set the value of a day' })
  proxyRoute(fastify, op.deleteDaily, { tags, summary: 'Remove the value of a day', errors: [404] })
}

export default dailies

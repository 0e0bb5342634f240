// Parquet answers, the big-activity knob, uploads and the backfill stream.
import { get } from 'node:http'
import t from 'tap'
import { startSandbox } from '../index.ts'
import { onTestCalendar } from '../../test/calendar.ts'
import { checkActivityData } from '../../test/seeded-data-checks.ts'
import { clientOf, parquetCodecs, parquetColumns, parquetRows, seedEndDate, userNamed } from './sandbox-client.ts'

const sandbox = await startSandbox({ ...onTestCalendar(), uploadProcessingDelayMs: 50, backfillIntervalMs: 40, backfillUpdates: 4 })
t.teardown(sandbox.close)
const ss = clientOf(sandbox)
const alice = userNamed('Alice Anderson')
const bob = userNamed('Bob Berg')
const eight = ['power', 'heart_rate', 'speed', 'cadence', 'altitude', 'distance', 'latitude', 'longitude']
const { access_token: token } = await ss.login(alice)

t.test('a 3-hour 1 Hz activity with 8 metrics: created by the knob, Parquet in well under a second', async (t) => {
  const created = await ss.control('POST', '/activities', { userId: alice, sport: 'cycling.road', durationSeconds: 10_800, metrics: eight, start: '2026-05-16T07:00:00+02:00' })
  t.equal(created.status, 201)
  t.match(created.body, { sport: 'cycling.road', start: '2026-05-16T05:00:00Z', end: '2026-05-16T08:00:00Z', duration: 'PT3H', metrics: eight, start_local: '2026-05-16T07:00:00' })
  t.equal((await ss.call('GET', `/api/v1/activities/${created.body.id}`, { token })).status, 200, 'it persists')

  const started = performance.now()
  const answer = await ss.call('GET', `/api/v1/activities/${created.body.id}/data`, { token })
  const elapsed = performance.now() - started
  t.equal(answer.status, 200)
  t.ok(elapsed < 1000, `built and sent in ${elapsed.toFixed(0)} ms, ${answer.bytes.byteLength} bytes`)
  t.same(parquetCodecs(answer.bytes), ['SNAPPY'])
  t.same(parquetColumns(answer.bytes), ['timestamp', 'timestamp_local', ...eight])
  const rows = await parquetRows(answer.bytes)
  t.equal(rows.length, 10_800, '1 Hz over the duration')
  const [first, second] = rows
  t.same(first?.timestamp, new Date('2026-05-16T05:00:00Z'))
  t.same(first?.timestamp_local, new Date('2026-05-16T07:00:00Z'), 'naive local time (as UTC-less wall clock)')
  t.equal((second?.timestamp as Date).getTime() - (first?.timestamp as Date).getTime(), 1000)
  const power = rows.map((row) => row.power as number)
  const mean = power.reduce((sum, value) => sum + value, 0) / power.length
  t.ok(mean > 100 && mean < 350, `plausible mean power ${mean.toFixed(0)} W`)
  const distance = rows.map((row) => row.distance as number)
  t.ok(distance.every((value, i) => i === 0 || value >= (distance[i - 1] ?? 0)), 'distance is cumulative')
  t.ok(rows.every((row) => Math.abs((row.latitude as number) - 59.91) < 0.5), 'GPS near home')
  const again = await ss.call('GET', `/api/v1/activities/${created.body.id}/data`, { token })
  t.same(Buffer.from(again.bytes), Buffer.from(answer.bytes), 'deterministic')

  const control = sandbox.sandbox.createActivity({ userId: bob, sport: 'running.road', durationSeconds: 600 })
  t.equal(control.sport, 'running.road', 'also in-process')
  t.throws(() => sandbox.sandbox.createActivity({ userId: bob, sport: 'running.road', durationSeconds: 0 }), TypeError)
  t.equal((await ss.control('POST', '/activities', { userId: bob, sport: 'Running!', durationSeconds: 60 })).status, 422)
  t.equal((await ss.control('POST', '/activities', { userId: bob, sport: 'running', durationSeconds: 60, start: '2026-05-16T07:00:00' })).status, 422, 'naive start')
  t.equal((await ss.control('POST', '/activities', { userId: '01ZZZZZZZZZZZZZZZZZZZZZZZZ', sport: 'running', durationSeconds: 60 })).status, 404)
})

t.test('activity data: metrics, nulls, segmentation and errors', async (t) => {
  await checkActivityData(t, ss, token, seedEndDate)
  const running = (await ss.call('GET', '/api/v1/activities/latest', { token, query: { sport: 'running' } })).body
  const unknown = await ss.call('GET', `/api/v1/activities/${running.id}/data`, { token, query: { metrics: ['power', 'watts'] } })
  t.equal(unknown.status, 422)
  t.match(unknown.body, { detail: [{ loc: ['query', 'metrics', 1], type: 'enum' }] })
  t.equal((await ss.call('GET', `/api/v1/activities/${running.id}/data`, { token, query: { segmentation_on: 'heart_rate' } })).status, 422)
  t.same((await ss.call('GET', '/api/v1/activities/01AAAAAAAAAAAAAAAAAAAAAAAA/data', { token })).body, { detail: 'Activity not found' })
  t.equal((await ss.call('GET', `/api/v1/activities/${running.id}/mean-max`, { token })).status, 422, 'metric is required')
  t.equal((await ss.call('GET', `/api/v1/activities/${running.id}/mean-max`, { token, query: { metric: 'power', durations: '5;60' } })).status, 422)
  t.equal((await ss.call('GET', '/api/v1/activities/longitudinal-data', { token, query: { start: '2026-05-01' } })).status, 422, 'sport is required')
  t.equal((await ss.call('GET', '/api/v1/activities/longitudinal-data', { token, query: { sport: 'running' } })).status, 422, 'start is required')
  t.equal((await ss.call('GET', '/api/v1/activities/longitudinal-mean-max', { token, query: { sport: 'running', after: [0, 1, 2, 3, 4, 5] } })).status, 422, 'after: at most 5')
})

t.test('uploads are streamed, counted and processed after a delay', async (t) => {
  const before = sandbox.sandbox.stats().uploads
  const form = new FormData()
  const big = new Uint8Array(3 * 1024 * 1024).fill(7)
  form.append('files', new Blob([big]), 'long-ride.fit')
  const csvFile = new Blob(['timestamp,sport,heart_rate\n2026-05-17T08:00:00+02:00,running.trail,140\n2026-05-17T08:00:01+02:00,running.trail,141\n'])
  form.append('files', csvFile, 'trail.CSV')
  form.append('files', new Blob([]), 'empty.fit')
  const answer = await ss.call('POST', '/api/v1/activities/upload', { token, multipart: form })
  t.equal(answer.status, 200)
  t.match(answer.body.sources, [{ type: 'fit', filename: 'long-ride.fit', status: 'processing' }, { type: 'csv' }, { filename: 'empty.fit' }])
  const after = sandbox.sandbox.stats().uploads
  t.equal(after.files - before.files, 3)
  t.equal(after.bytes - before.bytes, big.length + csvFile.size, 'every byte counted')

  type Source = { id: string, status: string, activity_ids: string[], error: unknown }
  const uploaded = new Set(answer.body.sources.map((source: { id: string }) => source.id))
  let sources: Source[] = []
  // Processing takes the sandbox's 50 ms upload delay: wait until every uploaded source is done with.
  for (const until = performance.now() + 5000; performance.now() < until; await new Promise((resolve) => setTimeout(resolve, 10))) {
    sources = (await ss.control('GET', `/sources?userId=${alice}`)).body as Source[]
    if (sources.filter((source) => uploaded.has(source.id)).every((source) => source.status !== 'processing')) break
  }
  const byId = new Map(sources.map((source) => [source.id, source]))
  const [fit, csv, empty] = answer.body.sources.map((source: { id: string }) => byId.get(source.id))
  t.equal(fit?.status, 'processed')
  t.equal(fit?.activity_ids.length, 1)
  t.equal((await ss.call('GET', `/api/v1/activities/${fit?.activity_ids[0]}`, { token })).body.sport, 'generic')
  t.equal((await ss.call('GET', `/api/v1/activities/${csv?.activity_ids[0]}`, { token })).body.sport, 'running.trail', 'sport from the CSV')
  t.match(empty, { status: 'failed', activity_ids: [], error: { code: 'unreadable_file' } })

  const eleven = new FormData()
  for (let i = 0; i < 11; i++) eleven.append('files', new Blob(['x']), `f${i}.fit`)
  const tooMany = await ss.call('POST', '/api/v1/activities/upload', { token, multipart: eleven })
  t.equal(tooMany.status, 422)
  t.match(tooMany.body, { detail: [{ loc: ['body', 'files'], type: 'too_long' }] })
  const gpx = new FormData()
  gpx.append('files', new Blob(['<gpx/>']), 'track.gpx')
  t.equal((await ss.call('POST', '/api/v1/activities/upload', { token, multipart: gpx })).status, 422, 'only FIT and CSV')
  t.equal((await ss.call('POST', '/api/v1/activities/upload', { token, json: {} })).status, 422, 'not multipart')
  const readOnly = await ss.login(alice, 'data:read')
  t.same((await ss.call('POST', '/api/v1/activities/upload', { token: readOnly.access_token, multipart: gpx })).body, { detail: 'Not enough permissions' })
})

t.test('backfill status streams NDJSON lines and stops when the client leaves', async (t) => {
  const started = performance.now()
  const response = await fetch(`${ss.url}/api/v1/activities/backfill-status`, { headers: { authorization: `Bearer ${token}` } })
  t.equal(response.headers.get('content-type'), 'application/x-ndjson')
  const arrivals: number[] = []
  let text = ''
  const decoder = new TextDecoder()
  for await (const chunk of response.body ?? []) {
    text += decoder.decode(chunk)
    arrivals.push(performance.now() - started)
  }
  const lines = text.trim().split('\n').map((line) => JSON.parse(line) as { backfill_loaded_until: string })
  t.equal(lines.length, 4, 'backfillUpdates lines')
  t.ok(lines.every((line) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/.test(line.backfill_loaded_until)), 'naive timestamps')
  t.ok(lines.every((line, i) => i === 0 || line.backfill_loaded_until < (lines[i - 1]?.backfill_loaded_until ?? '')), 'moving back in time')
  t.ok(arrivals.length >= 2 && (arrivals.at(-1) ?? 0) >= 100, 'written as they come, not all at once')

  // A client that goes away: the stream must stop, so closing the server does not wait 60 s for it.
  const own = await startSandbox({ ...onTestCalendar(), backfillIntervalMs: 1000, backfillUpdates: 50 })
  const ownToken = (await clientOf(own).login(alice)).access_token
  const firstLine = await new Promise<string>((resolve, reject) => {
    const request = get(`${own.url}/api/v1/activities/backfill-status`, { headers: { authorization: `Bearer ${ownToken}` } }, (response) => {
      response.once('data', (chunk: Buffer) => {
        request.destroy()
        resolve(chunk.toString())
      })
    })
    request.on('error', reject)
  })
  t.match(firstLine, /backfill_loaded_until/, 'the first line comes at once')
  await new Promise((resolve) => setTimeout(resolve, 50))
  const closing = performance.now()
  await own.close()
  t.ok(performance.now() - closing < 1000, 'the stream stopped when the client left')
})

import { parquetReadObjects } from 'hyparquet'
import t from 'tap'
import { Browser, athlete, signIn, startStack } from '../helper.ts'

const EIGHT_METRICS = ['power', 'heart_rate', 'speed', 'cadence', 'altitude', 'distance', 'latitude', 'longitude']

t.test('Parquet streams through unchanged; Accept: application/json gives the same data as columns', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  await signIn(browser)
  const activity = stack.sandbox.sandbox.createActivity({ userId: athlete.id, sport: 'cycling.road', durationSeconds: 3 * 3600, metrics: EIGHT_METRICS })

  const direct = await fetch(`${stack.sandbox.url}/api/v1/activities/${activity.id}/data`, { headers: { authorization: `Bearer ${stack.bff.decodeSecureSession(decodeURIComponent(browser.cookies.get('sweatstack_session')!.value))!.get('principal')!.accessToken}` } })
  const original = Buffer.from(await direct.arrayBuffer())

  const parquet = await browser.api(`/api/v1/activities/${activity.id}/data`)
  t.equal(parquet.statusCode, 200)
  t.match(parquet.headers['content-type'], /application\/vnd\.apache\.parquet/)
  t.ok(parquet.rawPayload.equals(original), `byte for byte SweatStack's Parquet (${original.length} bytes)`)
  const rows = await parquetReadObjects({ file: parquet.rawPayload.buffer.slice(parquet.rawPayload.byteOffset, parquet.rawPayload.byteOffset + parquet.rawPayload.byteLength) as ArrayBuffer })
  t.equal(rows.length, 3 * 3600)

  const started = performance.now()
  const json = await browser.api(`/api/v1/activities/${activity.id}/data`, { headers: { 'x-csrf': '1', accept: 'application/json' } })
  const elapsed = performance.now() - started
  t.equal(json.statusCode, 200)
  t.match(json.headers['content-type'], /application\/json/)
  const { columns, rows: count } = json.json()
  t.equal(count, 10_800)
  t.same(Object.keys(columns).slice(0, 2), ['timestamp', 'timestamp_local'])
  for (const metric of EIGHT_METRICS) t.equal(columns[metric]?.length, 10_800, `${metric} has every second`)
  t.match(columns.timestamp[0], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'instants as ISO strings with Z')
  t.match(columns.timestamp_local[0], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/, 'local times without a zone')
  t.equal(columns.timestamp[0], (rows[0]!.timestamp as Date).toISOString().replace('.000Z', 'Z'), 'the same values as the Parquet')
  t.equal(columns.power[100], rows[100]!.power)
  t.comment(`3-hour 1 Hz activity with 8 metrics: Parquet ${original.length} bytes → JSON ${json.body.length} bytes in ${elapsed.toFixed(0)} ms`)
})

t.test('mean-max and accumulated work duration come as Parquet or JSON', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  await signIn(browser)
  const [activity] = (await browser.api('/api/v1/activities/?limit=1&sport=cycling')).json()
  const meanMax = await browser.api(`/api/v1/activities/${activity.id}/mean-max?metric=power&durations=5,60,300`, { headers: { 'x-csrf': '1', accept: 'application/json' } })
  t.equal(meanMax.statusCode, 200)
  t.same(Object.keys(meanMax.json().columns).sort(), ['duration', 'power', 'start'])
  const awd = await browser.api(`/api/v1/activities/${activity.id}/accumulated-work-duration?metric=power`)
  t.equal(awd.statusCode, 200)
  t.match(awd.headers['content-type'], /parquet/)
  const bad = await browser.api(`/api/v1/activities/${activity.id}/mean-max?metric=power&durations=5,x`)
  t.equal(bad.statusCode, 400)
  t.equal(bad.json().errors[0].name, 'durations')
})

t.test('a malformed Parquet answer asked for as JSON is a 502, not a crash', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  await signIn(browser)
  const [activity] = (await browser.api('/api/v1/activities/?limit=1')).json()
  stack.sandbox.sandbox.addFault({ path: `/api/v1/activities/${activity.id}/data`, status: 200, rawBody: 'not parquet at all', contentType: 'application/vnd.apache.parquet', times: 1 })
  const response = await browser.api(`/api/v1/activities/${activity.id}/data`, { headers: { 'x-csrf': '1', accept: 'application/json' } })
  t.equal(response.statusCode, 502)
  t.equal(response.json().code, 'upstream_malformed')
})

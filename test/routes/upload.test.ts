import { Readable } from 'node:stream'
import t from 'tap'
import { Browser, FRONTEND, signIn, startStack } from '../helper.ts'
import type { Stack } from '../helper.ts'

const BOUNDARY = 'test-boundary-1f3c9'
const CHUNK = Buffer.alloc(64 * 1024, 7)

/** A multipart body produced as it is sent: `files` files of `bytes` bytes each, never in memory whole. */
function multipart (files: number, bytes: number, fieldname = 'files'): Readable {
  return Readable.from((function * () {
    for (let i = 0; i < files; i++) {
      yield Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${fieldname}"; filename="ride-${i}.fit"\r\nContent-Type: application/octet-stream\r\n\r\n`)
      for (let sent = 0; sent < bytes; sent += CHUNK.length) yield sent + CHUNK.length <= bytes ? CHUNK : CHUNK.subarray(0, bytes - sent)
      yield Buffer.from('\r\n')
    }
    yield Buffer.from(`--${BOUNDARY}--\r\n`)
  })())
}

async function upload (stack: Stack, browser: Browser, body: Readable) {
  return browser.request({
    method: 'POST',
    url: '/api/v1/activities/upload',
    headers: { 'x-csrf': '1', origin: FRONTEND, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    payload: body,
  })
}

async function measuredUpload (stack: Stack, browser: Browser, files: number, bytes: number) {
  const rssBefore = process.memoryUsage().rss
  let peak = rssBefore
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss) }, 10)
  const started = performance.now()
  const response = await upload(stack, browser, multipart(files, bytes))
  clearInterval(sampler)
  return { response, ms: performance.now() - started, growthMb: (peak - rssBefore) / 1024 / 1024, peakMb: peak / 1024 / 1024 }
}

t.test('ten 10 MB files stream through to SweatStack', async t => {
  const stack = await startStack(t, { env: { SWEATSTACK_SCOPES: 'data:read data:write profile' } })
  const browser = new Browser(stack.app)
  await signIn(browser)
  const { response, ms, growthMb, peakMb } = await measuredUpload(stack, browser, 10, 10 * 1024 * 1024)
  t.equal(response.statusCode, 200, response.body.slice(0, 200))
  const { sources } = response.json()
  t.equal(sources.length, 10)
  t.match(sources[0], { status: 'processing', origin: 'manual_upload', filename: 'ride-0.fit' })
  t.same(stack.sandbox.sandbox.stats().uploads, { files: 10, bytes: 10 * 10 * 1024 * 1024 }, 'every byte arrived at SweatStack')
  t.comment(`upload of ten 10 MB files: ${ms.toFixed(0)} ms, RSS +${growthMb.toFixed(1)} MB (peak ${peakMb.toFixed(0)} MB; test, BFF and sandbox in one process)`)
})

t.test('memory does not grow with the size of the upload', async t => {
  const stack = await startStack(t, { env: { SWEATSTACK_SCOPES: 'data:read data:write profile', UPLOAD_MAX_FILE_BYTES: String(64 * 1024 * 1024) } })
  const browser = new Browser(stack.app)
  await signIn(browser)
  // 400 MB: buffering any file whole, or the upload, would show as hundreds of MB.
  const { response, ms, growthMb } = await measuredUpload(stack, browser, 10, 40 * 1024 * 1024)
  t.equal(response.statusCode, 200)
  t.equal(stack.sandbox.sandbox.stats().uploads.bytes, 400 * 1024 * 1024)
  t.ok(growthMb < 160, `RSS grew ${growthMb.toFixed(0)} MB while 400 MB went through (${ms.toFixed(0)} ms)`)
})

t.test('a file over the size limit is a 413, and nothing is half-uploaded', async t => {
  const stack = await startStack(t, { env: { SWEATSTACK_SCOPES: 'data:read data:write profile', UPLOAD_MAX_FILE_BYTES: String(1024 * 1024) } })
  const browser = new Browser(stack.app)
  await signIn(browser)
  const response = await upload(stack, browser, multipart(2, 2 * 1024 * 1024))
  t.equal(response.statusCode, 413)
  t.match(response.json(), { code: 'file_too_large', errors: [{ in: 'body', name: 'files' }] })
  t.equal(stack.sandbox.sandbox.stats().uploads.files, 0, 'SweatStack recorded no upload')
})

t.test('more than ten files is refused', async t => {
  const stack = await startStack(t, { env: { SWEATSTACK_SCOPES: 'data:read data:write profile' } })
  const browser = new Browser(stack.app)
  await signIn(browser)
  const response = await upload(stack, browser, multipart(11, 1000))
  t.equal(response.statusCode, 413)
  t.match(response.json(), { code: 'too_many_files', detail: /at most 10 files/ })
})

t.test('files in a part not named "files", or a body that is not multipart, are refused', async t => {
  const stack = await startStack(t, { env: { SWEATSTACK_SCOPES: 'data:read data:write profile' } })
  const browser = new Browser(stack.app)
  await signIn(browser)
  const misnamed = await upload(stack, browser, multipart(1, 100, 'file'))
  t.equal(misnamed.statusCode, 400)
  t.equal(misnamed.json().errors[0].name, 'file')
  const json = await browser.request({ method: 'POST', url: '/api/v1/activities/upload', headers: { 'x-csrf': '1', origin: FRONTEND, 'content-type': 'application/json' }, payload: '{}' })
  t.equal(json.statusCode, 415)
})

t.test('without data:write, SweatStack\'s 403 comes back as insufficient_scope, with the setting to change', async t => {
  const stack = await startStack(t)
  const browser = new Browser(stack.app)
  await signIn(browser)
  const response = await upload(stack, browser, multipart(1, 1000))
  t.equal(response.statusCode, 403)
  t.match(response.json(), { code: 'insufficient_scope', detail: /data:write.*SWEATSTACK_SCOPES/ })
})

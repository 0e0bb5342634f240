import t from 'tap'
import { Browser, FRONTEND, approveAtSandbox, athlete, startStack } from '../helper.ts'

t.test('no token, code, verifier, state or secret ever reaches a log line, even at trace level', async t => {
  const stack = await startStack(t, { sandbox: { accessTokenTtlSeconds: 30 }, env: { LOG_LEVEL: 'trace' } })
  const browser = new Browser(stack.app)
  const secrets = new Set<string>(['sandbox-secret', stack.sessionKey])

  const login = await browser.request({ method: 'GET', url: '/auth/sweatstack/login' })
  const authorize = new URL(login.headers.location as string)
  secrets.add(authorize.searchParams.get('state')!)
  secrets.add(authorize.searchParams.get('code_challenge')!)
  const loginCookie = decodeURIComponent(browser.cookies.get('sweatstack_login')!.value)
  secrets.add(loginCookie)
  const pending = stack.bff.decodeSecureSession(loginCookie, undefined, 'sweatstackLogin')?.get('pending') as Array<{ verifier: string }>
  secrets.add(pending[0]!.verifier)
  const callbackUrl = await approveAtSandbox(authorize.href, athlete.id)
  secrets.add(callbackUrl.searchParams.get('code')!)
  await browser.request({ method: 'GET', url: callbackUrl.pathname + callbackUrl.search })
  secrets.add(decodeURIComponent(browser.cookies.get('sweatstack_session')!.value))

  // The tokens themselves, read straight out of the session.
  const session = stack.bff.decodeSecureSession(decodeURIComponent(browser.cookies.get('sweatstack_session')!.value))
  const principal = session?.get('principal')
  secrets.add(principal!.accessToken)
  secrets.add(principal!.refreshToken!)

  await browser.api('/api/v1/activities/?limit=2') // refreshes (30 s tokens)
  const refreshed = stack.bff.decodeSecureSession(decodeURIComponent(browser.cookies.get('sweatstack_session')!.value))?.get('principal')
  secrets.add(refreshed!.accessToken)
  await browser.request({ method: 'GET', url: '/auth/sweatstack/callback?code=leaked-code-value&state=leaked-state-value' })
  secrets.add('leaked-code-value')
  secrets.add('leaked-state-value')
  stack.sandbox.sandbox.addFault({ path: '/api/v1/activities/*', status: 500, body: { detail: 'boom' }, times: 1 })
  await browser.api('/api/v1/activities/?limit=2')
  // An upload at trace level: @fastify/multipart logs busboy's options, the request's headers among them.
  const boundary = 'trace-upload'
  const upload = await browser.api('/api/v1/activities/upload', { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="ride.fit"\r\n\r\nfit-bytes\r\n--${boundary}--\r\n` })
  t.equal(upload.statusCode, 403, 'refused by SweatStack (no data:write), after the BFF read it')
  const busboyLine = stack.logs.find(line => line.includes('Providing options to busboy'))
  t.ok(busboyLine, 'the trace line with the request headers was written')
  t.match(busboyLine, /"cookie":"\[redacted\]"/, 'with the cookie redacted')
  await browser.request({ method: 'POST', url: '/auth/sweatstack/logout', headers: { 'x-csrf': '1', origin: FRONTEND } })

  const logs = stack.logs.join('')
  t.ok(stack.logs.length > 20, `${stack.logs.length} log lines collected`)
  t.match(logs, /signed in/)
  t.match(logs, /refreshed the SweatStack access token/)
  for (const secret of secrets) {
    t.notOk(logs.includes(secret), `log lines do not contain ${secret.slice(0, 8)}…`)
    // Also not its JSON-escaped or URL-encoded form.
    t.notOk(logs.includes(encodeURIComponent(secret)))
  }
})

import t from 'tap'
import { FRONTEND, bareFastify, errorHandling } from './bare.ts'

t.test('the anti-forgery hook refuses what a forged request looks like, and only that', async t => {
  const app = await bareFastify(t, ...errorHandling(), import('../../plugins/app/anti-forgery.ts'))
  await app.register(async group => {
    group.addHook('onRequest', group.antiForgery('every'))
    group.all('/every', async () => 'ok')
    group.get('/stream', { config: { csrf: 'origin' } }, async () => 'ok')
  })
  await app.register(async group => {
    group.addHook('onRequest', group.antiForgery('unsafe'))
    group.all('/unsafe', async () => 'ok')
    group.post('/form', { config: { csrf: 'origin' } }, async () => 'ok')
  })
  const call = (method: 'GET' | 'POST', url: string, headers: Record<string, string>) => app.inject({ method, url, headers }).then(r => [r.statusCode, r.statusCode === 403 ? r.json().code : 'ok'])
  const evil = 'https://evil.example'
  const cases: Array<[string, 'GET' | 'POST', string, Record<string, string>, [number, string]]> = [
    ['a call with X-CSRF', 'GET', '/every', { 'x-csrf': '1' }, [200, 'ok']],
    ['a call without', 'GET', '/every', {}, [403, 'csrf_header_missing']],
    ['X-CSRF with another value', 'GET', '/every', { 'x-csrf': 'yes' }, [403, 'csrf_header_missing']],
    ['a POST from an allowed origin', 'POST', '/every', { 'x-csrf': '1', origin: FRONTEND }, [200, 'ok']],
    ['a POST from another origin, header or not', 'POST', '/every', { 'x-csrf': '1', origin: evil }, [403, 'origin_not_allowed']],
    ['a GET from another origin with the header (the preflight decides)', 'GET', '/every', { 'x-csrf': '1', origin: evil }, [200, 'ok']],
    ['EventSource: an allowed origin stands in for the header', 'GET', '/stream', { origin: FRONTEND }, [200, 'ok']],
    ['EventSource from another origin', 'GET', '/stream', { origin: evil }, [403, 'csrf_header_missing']],
    ['a safe request where only unsafe ones are checked', 'GET', '/unsafe', {}, [200, 'ok']],
    ['an unsafe one without the header', 'POST', '/unsafe', {}, [403, 'csrf_header_missing']],
    ['a form post from an allowed origin', 'POST', '/form', { origin: FRONTEND }, [200, 'ok']],
    ['a form post without an origin', 'POST', '/form', {}, [403, 'csrf_header_missing']],
  ]
  for (const [name, method, url, headers, expected] of cases) t.same(await call(method, url, headers), expected, name)
})

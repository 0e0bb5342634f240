import t from 'tap'
import { ConfigError, configWarnings, loadConfig } from '../../src/config.ts'
import { makeSessionKey } from '../helper.ts'

const real = { SWEATSTACK_CLIENT_ID: 'id', SWEATSTACK_CLIENT_SECRET: 'secret', SWEATSTACK_SESSION_SECRET: makeSessionKey() }

function problemsOf (env: Record<string, string>): string[] {
  try {
    loadConfig(env)
  } catch (error) {
    if (error instanceof ConfigError) return error.problems
    throw error
  }
  return []
}

t.test('no credentials: sandbox mode, with a made-up session key', async t => {
  const config = loadConfig({})
  t.equal(config.sandbox, true)
  t.equal(config.sweatstackUrl, 'http://127.0.0.1:8001')
  t.equal(config.sessionKeyIsEphemeral, true)
  t.equal(config.sessionKeys[0]?.length, 32)
  t.same(config.scopes, ['data:read', 'profile'], 'the same default scopes as against SweatStack, so the sandbox hides no 403')
  t.same(config.webhookSecrets.length, 1, 'and sends webhooks with a known sandbox secret')
  t.same(config.frontendOrigins, ['http://localhost:5173'])
  t.equal(config.appUrl, 'http://localhost:8000')
  t.equal(config.port, 8000)
  t.equal(config.host, '127.0.0.1')
})

t.test('credentials: the real SweatStack by default', async t => {
  const config = loadConfig(real)
  t.equal(config.sandbox, false)
  t.equal(config.sweatstackUrl, 'https://app.sweatstack.no')
  t.equal(config.clientId, 'id')
  t.same(config.scopes, ['data:read', 'profile'])
  t.same(config.webhookSecrets, [], 'no webhook route unless secrets are set')
})

t.test('a Fernet key (url-safe base64, as SweatStack\'s docs make) and a rotation list are accepted', async t => {
  const fernet = 'x6I0bz5Yg3nq7Hb-JmRg3iBQ_3r0Ub4sO0d2mQ1kC0w='
  const config = loadConfig({ ...real, SWEATSTACK_SESSION_SECRET: `${fernet}, ${makeSessionKey()}` })
  t.equal(config.sessionKeys.length, 2)
  t.same(config.sessionKeys[0], Buffer.from(fernet, 'base64url'))
})

t.test('every problem is reported at once, each with its fix', async t => {
  const problems = problemsOf({
    SWEATSTACK_CLIENT_ID: 'id',
    SWEATSTACK_CLIENT_SECRET: 'secret',
    SWEATSTACK_URL: 'ftp://nope',
    APP_URL: 'not a url',
    FRONTEND_ORIGINS: 'localhost:5173,http://ok.example/path',
    PORT: '99999',
    LOG_LEVEL: 'loud',
    SWEATSTACK_SCOPES: 'data:read everything',
    SWEATSTACK_LOGIN_PROMPT: 'sometimes',
  })
  t.match(problems.join('\n'), /SWEATSTACK_SESSION_SECRET is missing[\s\S]*randomBytes\(32\)/)
  for (const name of ['SWEATSTACK_URL', 'APP_URL', 'FRONTEND_ORIGINS: "localhost:5173"', 'FRONTEND_ORIGINS: "http://ok.example/path"', 'PORT', 'LOG_LEVEL', 'SWEATSTACK_SCOPES', 'SWEATSTACK_LOGIN_PROMPT']) {
    t.ok(problems.some(p => p.startsWith(name)), name)
  }
  t.equal(problems.length, 9)
})

t.test('half the credentials is a problem, not sandbox mode', async t => {
  t.match(problemsOf({ SWEATSTACK_CLIENT_ID: 'id' }).join(), /SWEATSTACK_CLIENT_SECRET is missing/)
})

t.test('session keys must be 32 bytes of base64', async t => {
  t.match(problemsOf({ ...real, SWEATSTACK_SESSION_SECRET: 'short' }).join(), /key 1 decodes to 3 bytes, not 32/)
  t.match(problemsOf({ ...real, SWEATSTACK_SESSION_SECRET: `${makeSessionKey()},not base64!` }).join(), /key 2 is not base64/)
})

t.test('production refuses sandbox mode unless told', async t => {
  t.match(problemsOf({ NODE_ENV: 'production' }).join(), /SWEATSTACK_ALLOW_SANDBOX/)
  t.same(problemsOf({ NODE_ENV: 'production', SWEATSTACK_ALLOW_SANDBOX: 'true' }), [])
})

t.test('the error message lists the problems for a person', async t => {
  try {
    loadConfig({ SWEATSTACK_CLIENT_ID: 'id', SWEATSTACK_CLIENT_SECRET: 'secret' })
    t.fail('should throw')
  } catch (error) {
    t.match((error as Error).message, /^sweatstack-bff cannot start: 1 problem in the configuration\n {2}- SWEATSTACK_SESSION_SECRET is missing/)
  }
})

t.test('a valid configuration still warns at start about what it risks', async t => {
  t.same(configWarnings(loadConfig(real)), [], 'a production configuration: no warning')
  t.match(configWarnings(loadConfig({ ...real, TRUST_PROXY: 'true' })), [/TRUST_PROXY=true believes X-Forwarded-For from anyone/])
  t.same(configWarnings(loadConfig({ ...real, TRUST_PROXY: '1' })), [], 'a hop count: no warning')
  const sandbox = configWarnings(loadConfig({}))
  t.match(sandbox, [/SANDBOX MODE/, /SWEATSTACK_SESSION_SECRET is not set/])
})

t.test('the URLs follow the ports, unless they are set', async t => {
  const moved = loadConfig({ PORT: '38020', SANDBOX_PORT: '38021', FRONTEND_PORT: '38193' })
  t.equal(moved.appUrl, 'http://localhost:38020', 'APP_URL follows PORT')
  t.equal(moved.sweatstackUrl, 'http://127.0.0.1:38021', 'the sandbox URL follows SANDBOX_PORT')
  t.same(moved.frontendOrigins, ['http://localhost:38193'], 'FRONTEND_ORIGINS follows FRONTEND_PORT')
  t.same([moved.port, moved.sandboxPort, moved.frontendPort], [38020, 38021, 38193])

  const set = loadConfig({ PORT: '38020', FRONTEND_PORT: '38193', APP_URL: 'https://bff.example.com', FRONTEND_ORIGINS: 'https://app.example.com' })
  t.equal(set.appUrl, 'https://bff.example.com', 'a set APP_URL wins')
  t.same(set.frontendOrigins, ['https://app.example.com'], 'a set FRONTEND_ORIGINS wins')
  t.equal(loadConfig({ ...real, SANDBOX_PORT: '38021' }).sweatstackUrl, 'https://app.sweatstack.no', 'with credentials, SweatStack itself')

  for (const [name, value] of [['SANDBOX_PORT', 'x'], ['FRONTEND_PORT', '0'], ['FRONTEND_PORT', '70000']]) {
    t.match(problemsOf({ [name!]: value! }).join('\n'), name!, `${name}=${value} is refused, naming it`)
  }
})

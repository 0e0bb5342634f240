// Sign-in never strands a user on `prompt=none`, whichever way SweatStack reads it: as its own clients do
// (skip a consent already given) or as OpenID Connect does (no page at all, else `login_required` or
// `consent_required`), in which case the BFF asks once more without the prompt, for the same sign-in.
import t from 'tap'
import { Browser, FRONTEND, approveAtSandbox, athlete, signIn, startStack } from '../helper.ts'
import { checkSignedInReads } from '../seeded-data-checks.ts'

const NEXT = `${FRONTEND}/activities?page=2`

for (const promptNone of ['skip-consent', 'oidc'] as const) {
  t.test(`prompt=none read as ${promptNone}: a first-time user signs in and reads their data`, async t => {
    const stack = await startStack(t, { sandbox: { promptNone } })
    const browser = new Browser(stack.app)
    const login = await browser.request({ url: `/auth/sweatstack/login?next=${encodeURIComponent(NEXT)}` })
    t.equal(new URL(login.headers.location as string).searchParams.get('prompt'), 'none', 'SweatStack\'s clients\' prompt')

    const first = await browser.request({ url: pathOf(await approveAtSandbox(login.headers.location as string, athlete.id)) })
    let done = first
    if (promptNone === 'oidc') {
      const again = new URL(String(first.headers.location))
      t.equal(again.pathname, '/oauth/authorize', 'consent_required: to SweatStack once more')
      t.equal(again.searchParams.get('prompt'), null, 'without prompt, so the page may be shown')
      t.not(again.searchParams.get('state'), new URL(login.headers.location as string).searchParams.get('state'), 'a fresh state and verifier')
      done = await browser.request({ url: pathOf(await approveAtSandbox(again.href, athlete.id)) })
    }
    t.equal(done.headers.location, NEXT, 'back where the sign-in started')
    await checkSignedInReads(t, browser, athlete.id)

    // Once consented, prompt=none passes silently in both readings.
    const later = new Browser(stack.app)
    const silent = await signIn(later, athlete.id, NEXT)
    t.equal(silent.headers.location, NEXT, 'a later sign-in needs no second round')
    t.equal(stack.sandbox.sandbox.stats().token.authorization_code, 2, 'one code exchanged per sign-in')
  })
}

t.test('the retry happens once: SweatStack refusing again ends at the frontend with the error', async t => {
  const stack = await startStack(t, { sandbox: { promptNone: 'oidc' } })
  const browser = new Browser(stack.app)
  const login = await browser.request({ url: `/auth/sweatstack/login?next=${encodeURIComponent(NEXT)}` })
  const loginState = new URL(login.headers.location as string).searchParams.get('state')!
  const first = await browser.request({ url: `/auth/sweatstack/callback?error=login_required&state=${loginState}` })
  const retry = new URL(String(first.headers.location))
  t.equal(retry.pathname, '/oauth/authorize')
  const second = await browser.request({ url: `/auth/sweatstack/callback?error=login_required&state=${retry.searchParams.get('state')}` })
  t.equal(second.statusCode, 302)
  t.equal(second.headers.location, `${NEXT}&auth_error=login_required`, 'no loop: the frontend hears of it')
})

t.test('without prompt=none configured, an OpenID Connect error is not retried', async t => {
  const stack = await startStack(t, { env: { SWEATSTACK_LOGIN_PROMPT: 'default' } })
  const browser = new Browser(stack.app)
  const login = await browser.request({ url: '/auth/sweatstack/login' })
  t.equal(new URL(login.headers.location as string).searchParams.get('prompt'), null)
  const state = new URL(login.headers.location as string).searchParams.get('state')
  const answer = await browser.request({ url: `/auth/sweatstack/callback?error=consent_required&state=${state}` })
  t.match(answer.headers.location, /auth_error=consent_required/)
})

function pathOf (url: URL): string {
  return url.pathname + url.search
}
